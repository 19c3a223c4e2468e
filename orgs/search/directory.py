"""The directory search's one shape, on either database (postgresql.py, sqlite.py):

1. With words or filters, one statement (candidates_page) takes at most
   RESULT_COUNT_CAP + 1 of the matching published organizations, in whatever order the
   database finds them, as (id, name, updated, rank) only; it counts them (a window
   count) and sorts them (best match, name, recently updated) and cuts one page of ids,
   all in SQL. Sorting and counting never see more rows than that, however many match:
   sorting every match is what made the obvious queries slow.
2. Past the cap the count shows as "1,000+" (RESULT_COUNT_CAP, then a plus) and the
   result's sort is Sort.NONE: the pages sort the candidates the database found first,
   not every match, and the page says the list is not sorted.
3. One query fetches the page's 20 organizations.

With no words and no filters, the name index lists everything in name order (or by last
update) instead, with a count capped the same way.
"""

from django.db import connection

from orgs.models import Organization
from roadmap_portal.lib.replica import read_connection

from .postgresql import PostgresSearch
from .query import PAGE_SIZE, DirectoryQuery, DirectoryResult, Sort
from .sqlite import SqliteSearch
from .text import query_terms

RESULT_COUNT_CAP = 1_000


def current_backend():
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()


def directory_search(query: DirectoryQuery) -> DirectoryResult:
    """Published organizations matching the query: one page, the (capped) count, the sort."""
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
    matches = backend.matching(published, terms, tokens)
    page = max(1, query.page or 1)
    ids, count = candidates_page(backend, matches, terms, sort, page)
    if not ids and count is None and page > 1:
        # Past the last page (an edited URL): show the last one.
        _ids, count = candidates_page(backend, matches, terms, sort, 1)
        page = _clamp_page(page, min(count or 0, RESULT_COUNT_CAP))
        ids, count = candidates_page(backend, matches, terms, sort, page)
    count = count or 0
    capped = count > RESULT_COUNT_CAP
    if capped:  # the one row past the cap only told us there are more
        ids = ids[: max(0, RESULT_COUNT_CAP - (page - 1) * PAGE_SIZE)]
    return DirectoryResult(
        organizations=_fetch_page(ids),
        count=min(count, RESULT_COUNT_CAP),
        count_is_capped=capped,
        page=page,
        sort=Sort.NONE if capped else sort,
    )


def _browse_all(backend, query, published):
    """No words, no filters: the name index lists everything in order, fast at any size."""
    count = published.values("pk")[: RESULT_COUNT_CAP + 1].count()
    capped = count > RESULT_COUNT_CAP
    count = min(count, RESULT_COUNT_CAP)
    sort = Sort.UPDATED if query.sort == Sort.UPDATED else Sort.NAME
    order = ["-updated_at", "-id"] if sort == Sort.UPDATED else [backend.name_order(), "id"]
    page = _clamp_page(query.page, count)
    offset = (page - 1) * PAGE_SIZE
    organizations = list(
        published.select_related("home_municipality").order_by(*order)[offset : offset + PAGE_SIZE]
    )
    return DirectoryResult(
        organizations=organizations, count=count, count_is_capped=capped, page=page, sort=sort
    )


def _clamp_page(page, count):
    last = max(1, -(-count // PAGE_SIZE))
    return min(max(1, page or 1), last)


def _fetch_page(ids):
    by_id = Organization.objects.select_related("home_municipality").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def candidates_page(backend, matches, terms, sort, page):
    """One statement: at most RESULT_COUNT_CAP + 1 matches, counted, sorted, one page cut.

    Returns the page's ids and the number of candidates (None when the page is empty).
    """
    ranked = backend.ranked(matches, terms, sort)
    # order_by(): the inner query takes any RESULT_COUNT_CAP + 1 matches; sorting them is
    # the outer query's job.
    inner, params = (
        ranked.order_by().values_list("id", "name", "updated_at", "rank").query.sql_with_params()
    )
    # Only the ORM's SQL, constants and a fixed ORDER BY reach this string.
    sql = (
        f"SELECT id, count(*) OVER () FROM ({inner} LIMIT {RESULT_COUNT_CAP + 1}) candidates"  # noqa: S608
        f" ORDER BY {backend.order_by(sort)} LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    )
    reader = read_connection(Organization)
    with backend.planned(), reader.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else None)
