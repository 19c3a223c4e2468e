"""The directory search: the one place that knows how organizations are found.

Every search, on both databases, has the same shape:

1. One query collects the matching published organizations, at most RESULT_COUNT_CAP + 1
   of them, as (id, name, updated, rank) only. Its length is the count, shown as
   "10,000+" when the cap is passed.
2. Up to the cap, the matches are sorted in Python (best match, name, recently updated)
   and paginated. Past it, they are shown in the order the database found them and the
   page says so: sorting more than that many rows is what made the obvious queries slow.
   With no words and no filters, the name index lists everything in name order instead.
3. One query fetches the page's 20 organizations.

PostgreSQL (production, CI): each organization has two generated tsvectors (migration 0002):
`search_vector` over the names (weight A) and the purpose, legal form and services
(weight C), accents removed by the `portal_search` configuration (unaccent); and
`facet_vector`, one word per filter value (models.facet_tokens). One GIN index over both
answers any mix of words and filters. A word that matches nothing is replaced by the
closest known word (pg_trgm over SearchWord, the table of distinct words), never by
comparing against a million organizations.

SQLite (zero set-up): the same words are matched with LIKE over a folded copy of the text
(portal_normalize, registered in orgs.apps), so case and accents are still ignored.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import connection, transaction
from django.db.models import BooleanField, Case, FloatField, Func, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Concat

from .models import Organization, facet_tokens

PAGE_SIZE = 20
RESULT_COUNT_CAP = 1_000
MAX_TERMS = 8
MIN_PREFIX_LENGTH = 4
# How alike (pg_trgm similarity) a known word must be to replace a word that matched nothing.
TYPO_SIMILARITY = 0.3

# Letters that do not decompose into a base letter and an accent.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe", "ς": "σ"}
)


def normalize(text):
    """Lower case without accents: 'Brīnumiņš' -> 'brinumins', 'Αγλαντζιάς' -> 'αγλαντζιασ'."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(_EXTRA_FOLDS)


def query_terms(text):
    """The words of a query, lower-cased, as the user typed them (accents kept)."""
    words = re.findall(r"\w+", (text or "").lower())
    return [word[:60] for word in words if len(word) >= 2][:MAX_TERMS]


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    UPDATED = "updated"
    # More matches than the cap: the order in which the database found them.
    NONE = "none"


@dataclass
class DirectoryQuery:
    text: str = ""
    country: str = ""
    municipality_id: int | None = None
    type: str = ""
    field_id: int | None = None
    target_group_id: int | None = None
    offers_id: int | None = None
    social_enterprise: bool = False
    sort: str = ""
    page: int = 1

    def facet_tokens(self):
        def ids(value):
            return [value] if value else []

        return facet_tokens(
            country=self.country,
            type=self.type,
            municipality_ids=ids(self.municipality_id),
            field_ids=ids(self.field_id),
            target_group_ids=ids(self.target_group_id),
            offer_ids=ids(self.offers_id),
            is_social_enterprise=self.social_enterprise,
        )


@dataclass
class DirectoryResult:
    organizations: list
    count: int
    count_is_capped: bool
    page: int
    sort: str
    corrected_text: str = ""

    @property
    def num_pages(self):
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def has_previous(self):
        return self.page > 1


def directory_search(query: DirectoryQuery) -> DirectoryResult:
    """Published organizations matching the query: one page, the (capped) count, the sort."""
    terms = query_terms(query.text)
    backend = _backend()
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
    return _backend().matching(base, query_terms(query.text), query.facet_tokens())


def _backend():
    return _PostgresSearch() if connection.vendor == "postgresql" else _SqliteSearch()


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
    ids, count = backend.page_of_candidates(matches, terms, sort, page)
    if not ids and count is None and page > 1:
        # Past the last page (an edited URL): show the last one.
        _ids, count = backend.page_of_candidates(matches, terms, sort, 1)
        page = _clamp_page(page, min(count or 0, RESULT_COUNT_CAP))
        ids, count = backend.page_of_candidates(matches, terms, sort, page)
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


def _candidates_page(matches, order_by, page):
    """One statement: at most RESULT_COUNT_CAP + 1 matches, counted, sorted, one page cut.

    Returns the page's ids and the number of matches (None when the page is empty).
    Sorting and counting never see more than the cap, whatever the number of rows.
    """
    # order_by(): the inner query takes any 2,001 matches; sorting them is the outer query's job.
    inner, params = (
        matches.order_by().values_list("id", "name", "updated_at", "rank").query.sql_with_params()
    )
    # Only the ORM's SQL, constants and a fixed ORDER BY reach this string.
    sql = (
        f"SELECT id, count(*) OVER () FROM ({inner} LIMIT {RESULT_COUNT_CAP + 1}) candidates"  # noqa: S608
        f" ORDER BY {order_by} LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else None)


class _PostgresSearch:
    def name_order(self):
        return Collate("name", "und-x-icu")

    def __init__(self):
        self._text_queries = {}

    def text_query(self, terms):
        """The tsquery of the words: a word the directory knows is matched as it is, a
        partial word (brinum) as a prefix. Prefixes cost three times as much at a
        million rows (their matches are merged in a bitmap), so only where needed."""
        key = tuple(terms)
        if key not in self._text_queries:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT t FROM unnest(%s::text[]) t"
                    " WHERE EXISTS (SELECT 1 FROM orgs_searchword WHERE word = unaccent(t))",
                    [list(terms)],
                )
                known = {row[0] for row in cursor.fetchall()}
            # Only \w characters reach to_tsquery, so user input cannot inject query syntax.
            self._text_queries[key] = " & ".join(
                term if term in known or len(term) < MIN_PREFIX_LENGTH else f"{term}:*"
                for term in terms
            )
        return self._text_queries[key]

    def matching(self, queryset, terms, tokens):
        if terms:
            queryset = queryset.filter(
                RawSQL(
                    "search_vector @@ to_tsquery('portal_search', %s)",
                    [self.text_query(terms)],
                    output_field=BooleanField(),
                )
            )
        if tokens:
            queryset = queryset.filter(
                RawSQL(
                    "facet_vector @@ to_tsquery('simple', %s)",
                    [" & ".join(tokens)],
                    output_field=BooleanField(),
                )
            )
        return queryset

    def page_of_candidates(self, matches, terms, sort, page):
        if sort == Sort.RELEVANCE:
            rank = RawSQL(
                "ts_rank(search_vector, to_tsquery('portal_search', %s))",
                [self.text_query(terms)],
                output_field=FloatField(),
            )
        else:
            rank = Value(0.0, output_field=FloatField())
        order_by = {
            Sort.RELEVANCE: 'rank DESC, name COLLATE "und-x-icu", id',
            Sort.NAME: 'name COLLATE "und-x-icu", id',
            Sort.UPDATED: "updated_at DESC, id DESC",
        }[sort]
        with transaction.atomic(), connection.cursor() as cursor:
            # Only the GIN index may answer: with a LIMIT, PostgreSQL sometimes prefers to
            # walk the table or the name index, fast when matches come early and slow
            # (seconds at a million rows) when they cluster at the end (Greek names).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            # Prefix words (jaun:*) collect their matches in a bitmap; with the default 4 MB
            # it turns lossy at a million rows and every row of a page is checked again.
            cursor.execute("SET LOCAL work_mem = '32MB'")
            return _candidates_page(matches.annotate(rank=rank), order_by, page)

    def corrected_terms(self, terms):
        """Each word that matches nothing replaced by the closest known word, if any."""
        corrected = []
        with connection.cursor() as cursor:
            for term in terms:
                cursor.execute(
                    "SELECT word FROM orgs_searchword WHERE word LIKE unaccent(%s) || '%%' LIMIT 1",
                    [term],
                )
                if cursor.fetchone():
                    corrected.append(term)
                    continue
                # The nearest word by trigram distance (GiST index), if it is near enough.
                cursor.execute(
                    "SELECT word FROM (SELECT word, word <-> unaccent(%s) AS distance"
                    " FROM orgs_searchword ORDER BY distance LIMIT 1) nearest"
                    " WHERE distance <= %s",
                    [term, 1 - TYPO_SIMILARITY],
                )
                row = cursor.fetchone()
                corrected.append(row[0] if row else term)
        return corrected


class PortalNormalize(Func):
    """normalize() inside SQLite (registered in orgs.apps)."""

    function = "portal_normalize"
    output_field = TextField()


class _SqliteSearch:
    def name_order(self):
        # SQLite compares by code point: fold the names so that "Ābele" sits by "Abele".
        return PortalNormalize("name")

    def matching(self, queryset, terms, tokens):
        if terms:
            document = PortalNormalize(
                Concat(
                    "name",
                    Value(" "),
                    "short_name",
                    Value(" "),
                    "search_text",
                    output_field=TextField(),
                )
            )
            queryset = queryset.annotate(document=document)
            for term in terms:
                queryset = queryset.filter(document__contains=normalize(term))
        for token in tokens:
            queryset = queryset.filter(facet_tokens__contains=f" {token} ")
        return queryset

    def page_of_candidates(self, matches, terms, sort, page):
        if sort == Sort.RELEVANCE:
            # No ranking function in SQLite: names that contain more of the words come first.
            name = PortalNormalize("name")
            rank = sum(
                (
                    Case(When(Q(**{"folded_name__contains": normalize(t)}), then=1), default=0)
                    for t in terms
                ),
                Value(0),
            )
            matches = matches.annotate(folded_name=name)
        else:
            rank = Value(0)
        # SQLite compares by code point: fold the names so that "Ābele" sits by "Abele".
        order_by = {
            Sort.RELEVANCE: "rank DESC, portal_normalize(name), name, id",
            Sort.NAME: "portal_normalize(name), name, id",
            Sort.UPDATED: "updated_at DESC, id DESC",
        }[sort]
        return _candidates_page(matches.annotate(rank=rank), order_by, page)

    def corrected_terms(self, terms):
        return terms  # Typo tolerance is PostgreSQL's alone (pg_trgm).


SIMILAR_NAME_THRESHOLD = 0.6


def similar_organizations(*, name: str, municipality_id: int, exclude_pk=None, limit=5):
    """Entries of a municipality whose names look like this one (possible duplicates)."""
    candidates = Organization.objects.filter(
        home_municipality_id=municipality_id,
        status__in=[Organization.Status.PUBLISHED, Organization.Status.PENDING],
    ).exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        similarity = RawSQL(
            "similarity(unaccent(lower(name)), unaccent(lower(%s)))",
            [name],
            output_field=FloatField(),
        )
        return list(
            candidates.annotate(similarity=similarity)
            .filter(similarity__gte=SIMILAR_NAME_THRESHOLD)
            .order_by("-similarity")[:limit]
        )
    folded = normalize(name)
    scored = [
        (SequenceMatcher(None, folded, normalize(organization.name)).ratio(), organization)
        for organization in candidates.only("pk", "name", "slug", "status")[:5000]
    ]
    return [
        o for score, o in sorted(scored, key=lambda x: -x[0]) if score >= SIMILAR_NAME_THRESHOLD
    ][:limit]
