"""The directory search's one shape, on either database (postgresql.py, sqlite.py).

With words or filters:

1. Few matches (the planner's estimate, from the statistics ANALYZE keeps, says so): one
   statement (candidates_page) takes at most RESULT_COUNT_CAP + 1 of the matching
   published organizations as (id, name, updated, rank) only, counts them (a window
   count), sorts them (best match, name, recently updated) and cuts one page of ids, all
   in SQL. The count is exact.
2. Many matches (more than RESULT_COUNT_CAP): the GIN index would read every match before
   any cap applied, so the same statement runs over one bucket of the matches instead (a
   sample by id, postgresql.py SAMPLE_BUCKETS) sized to hold about SAMPLE_TARGET of
   them. The sample is ranked and sorted like an exact result; the count shown is the
   sample's times the buckets, rounded, and says "about". The query picks the bucket,
   so its pages show the same sample. The cost stays flat however many match.
3. One query fetches the page's 20 organizations.

SQLite, the zero-set-up default for a small directory, counts and sorts every match.

With no words and no filters, the name index lists everything in name order (or by last
update); the count is the home page's (orgs.counts), as last counted.
"""

import zlib
from dataclasses import replace

from django.db import connection, transaction
from django.db.models import Sum

from orgs.models import MunicipalityCount, Organization
from roadmap_portal.lib.pagination import last_page, page_number
from roadmap_portal.lib.replica import read_connection

from .postgresql import PostgresSearch
from .query import PAGE_SIZE, DirectoryQuery, DirectoryResult, Sort
from .sqlite import SqliteSearch
from .text import query_terms

RESULT_COUNT_CAP = 1_000
# What a municipality page lists of an organization: its link, name and type; the rest of
# the row (texts, contacts, the search columns) is not read.
LISTED_FIELDS = ("name", "slug", "type")
# The texts the search index is built from: a result row never shows them.
INDEX_COLUMNS = ("search_text", "facet_tokens")
# The matches a sample should hold, and at most (past it, a finer bucket is taken): the
# bucket sizes grow fourfold, so a sample holds 250 to 1,000. A sample of 250 puts the
# estimate within about 6 % (one standard deviation), below its two-digit rounding.
SAMPLE_TARGET = 250
SAMPLE_CAP = 4 * SAMPLE_TARGET
# No list shows more than this many pages: a page number past it (an edited URL) is the
# last one, checked before it becomes an OFFSET (10**40 is out of PostgreSQL's range).
LAST_PAGE = last_page(max(RESULT_COUNT_CAP, SAMPLE_CAP), PAGE_SIZE)


def current_backend():
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()


def directory_search(query: DirectoryQuery) -> DirectoryResult:
    """Published organizations matching the query: one page, the (capped) count, the sort."""
    query = replace(query, page=page_number(query.page, LAST_PAGE))
    terms = query_terms(query.text)
    backend = current_backend()
    result = _search(backend, query, terms)
    if result.count == 0 and terms:
        corrected = backend.corrected_terms(terms)
        if corrected != terms:
            retry = _search(backend, query, corrected)
            if retry.count:
                retry.corrected_text = " ".join(corrected)
                return retry
    return result


def search_index_settle():
    """After a large write (an import), once it is committed: the search index made
    ready for searches (postgresql.py)."""
    transaction.on_commit(current_backend().index_settle)


def first_working_in(municipality, *, limit=PAGE_SIZE):
    """The first `limit` published organizations based in or serving the municipality,
    in name order, and whether there are more: the first of each kind from its own index
    (home municipality and name; the served municipalities' table), then merged."""
    backend = current_backend()
    published = Organization.objects.published()
    order = [backend.name_order(), "id"]
    based = published.filter(home_municipality=municipality).order_by(*order)
    serving = published.filter(municipalities_served=municipality).order_by(*order)
    ids = [
        *based.values_list("pk", flat=True)[: limit + 1],
        *serving.values_list("pk", flat=True)[: limit + 1],
    ]
    listed = published.filter(pk__in=ids).only(*LISTED_FIELDS)
    organizations = list(listed.order_by(*order)[: limit + 1])
    return organizations[:limit], len(organizations) > limit


def directory_matches(query: DirectoryQuery, *, base=None):
    """Every organization of `base` (default: the published ones) that the query matches,
    unsorted and uncapped: for exports, which read them in chunks."""
    base = Organization.objects.published() if base is None else base
    return current_backend().matching(base, query_terms(query.text), query.facet_tokens())


def _search(backend, query, terms):
    tokens = query.facet_tokens()
    published = Organization.objects.published()
    if not terms and not tokens:
        return _browse_all(backend, query, published)

    sort = query.sort if query.sort in (Sort.NAME, Sort.UPDATED) else Sort.RELEVANCE
    if sort == Sort.RELEVANCE and not terms:
        sort = Sort.NAME
    candidates = _Candidates(
        backend, backend.matching(published, terms, tokens), terms, tokens, sort, query.page
    )
    with backend.planned():
        result = candidates.ranked()
    # Ids until here: the page's rows are read outside the search's planner settings.
    result.organizations = _fetch_page(result.organizations)
    return result


class _Candidates:
    """The matches of one search, ranked into one page of ids: every match counted, or a
    sample of them when there are many."""

    def __init__(self, backend, matches, terms, tokens, sort, page):
        self.backend, self.matches, self.terms, self.sort = backend, matches, terms, sort
        self.page = max(1, page or 1)
        # The words and filters choose the bucket, so that every page, in every
        # process, shows the same sample.
        self.seed = zlib.crc32(repr((terms, tokens)).encode())

    def ranked(self):
        buckets = self.backend.SAMPLE_BUCKETS
        if not buckets:
            return self.exact(cap=None)
        estimate = self.backend.estimated_count(self.matches)
        if estimate <= RESULT_COUNT_CAP:
            # More than the cap after all, whatever the planner expected: a sample.
            return self.exact(cap=RESULT_COUNT_CAP) or self.sampled(buckets[0], known_broad=True)
        fitting = [n for n in buckets if estimate / n >= SAMPLE_TARGET]
        result = self.sampled(fitting[-1] if fitting else buckets[0])
        if result.count > RESULT_COUNT_CAP:
            return result
        # The planner expected more than the sample found (filters that rarely go
        # together are estimated as if independent): few match, counted exactly.
        return self.exact(cap=RESULT_COUNT_CAP) or self.sampled(buckets[0], known_broad=True)

    def exact(self, *, cap):
        """Every match counted and sorted, or None when there are more than `cap`."""
        ids, count, page = self.page_of(self.matches, cap=cap)
        if cap is not None and count > cap:
            return None
        return DirectoryResult(
            organizations=ids, count=count, listed=count, page=page, sort=self.sort
        )

    def sampled(self, buckets, *, known_broad=False):
        """The matches in one of `buckets` buckets, ranked and sorted, and the count
        estimated from them (more than the cap when an exact count found so). A bucket
        fuller than SAMPLE_CAP (the planner guessed low) is taken again, finer."""
        finer = [n for n in self.backend.SAMPLE_BUCKETS if n > buckets]
        while True:
            sample = self.backend.in_sample(self.matches, buckets, self.seed % buckets)
            ids, count, page = self.page_of(sample, cap=SAMPLE_CAP)
            if count <= SAMPLE_CAP or not finer:
                break
            buckets = finer.pop(0)
        listed = min(count, SAMPLE_CAP)
        estimate = count * buckets
        if known_broad:
            estimate = max(estimate, RESULT_COUNT_CAP + 1)
        return DirectoryResult(
            organizations=ids[: max(0, listed - (page - 1) * PAGE_SIZE)],
            count=_about(estimate),
            count_is_estimate=True,
            listed=listed,
            page=page,
            sort=self.sort,
        )

    def page_of(self, matches, *, cap):
        """One page of ids, the number of candidates and the page: the last one when the
        page asked for is past it (an edited URL)."""
        args = (self.backend, matches, self.terms, self.sort)
        ids, count = candidates_page(*args, self.page, cap=cap)
        page = self.page
        if not ids and count is None and page > 1:
            _ids, count = candidates_page(*args, 1, cap=cap)
            count = count or 0
            reachable = count if cap is None else min(count, cap)
            page = page_number(page, last_page(reachable, PAGE_SIZE))
            ids, count = candidates_page(*args, page, cap=cap)
        return ids, count or 0, page


def _about(number):
    """Rounded to two significant digits: 283,456 is "about 280,000"."""
    digits = len(str(number)) - 2
    return round(number, -digits) if digits > 0 else number


def _browse_all(backend, query, published):
    """No words, no filters: the name index lists everything in order, fast at any size,
    the first RESULT_COUNT_CAP of them; the count is the sum of the home page's counts
    (orgs.counts), as last counted."""
    counted = MunicipalityCount.objects.aggregate(n=Sum("published_organizations"))["n"]
    count = counted if counted is not None else published.count()  # before the first count
    listed = min(count, RESULT_COUNT_CAP)
    sort = Sort.UPDATED if query.sort == Sort.UPDATED else Sort.NAME
    order = ["-updated_at", "-id"] if sort == Sort.UPDATED else [backend.name_order(), "id"]
    page = page_number(query.page, last_page(listed, PAGE_SIZE))
    offset = (page - 1) * PAGE_SIZE
    organizations = list(
        published.select_related("home_municipality")
        .defer(*INDEX_COLUMNS)
        .order_by(*order)[offset : offset + PAGE_SIZE]
    )
    return DirectoryResult(
        organizations=organizations, count=count, listed=listed, page=page, sort=sort
    )


def _fetch_page(ids):
    rows = Organization.objects.select_related("home_municipality").defer(*INDEX_COLUMNS)
    by_id = rows.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def candidates_page(backend, matches, terms, sort, page, *, cap):
    """One statement: at most cap + 1 matches (every one when cap is None), counted,
    sorted, one page cut. Run inside backend.planned().

    Returns the page's ids and the number of candidates (None when the page is empty).
    """
    ranked = backend.ranked(matches, terms, sort)
    # order_by(): the inner query takes any cap + 1 matches; sorting them is the outer
    # query's job.
    inner, params = (
        ranked.order_by().values_list("id", "name", "updated_at", "rank").query.sql_with_params()
    )
    limit = "" if cap is None else f" LIMIT {cap + 1}"
    # Only the ORM's SQL, constants and a fixed ORDER BY reach this string.
    sql = (
        f"SELECT id, count(*) OVER () FROM ({inner}{limit}) candidates"  # noqa: S608
        f" ORDER BY {backend.order_by(sort)} LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    )
    with read_connection(Organization).cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else None)
