"""The directory search on PostgreSQL (production, CI): full text.

Each organization has two generated tsvectors (orgs migration 0002): `search_vector` over
the names (weight A) and the purpose, legal form and services (weight C), accents removed
by the `portal_search` configuration (unaccent); and `facet_vector`, one word per filter
value (models.facet_tokens). One GIN index over both answers any mix of words and filters.
A word that matches nothing is replaced by the closest known word (pg_trgm over
SearchWord, the table of distinct words), never by comparing against a million
organizations.
"""

import json
import re
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from orgs.models import Organization
from roadmap_portal.lib.replica import read_connection

from .query import Sort

MIN_PREFIX_LENGTH = 4
# A partial word is matched by at most this many known words, else as a prefix.
PREFIX_WORDS_MAX = 64
WORD = re.compile(r"\w+")
# How alike (pg_trgm similarity) a known word must be to replace a word that matched nothing.
TYPO_SIMILARITY = 0.3


class PostgresSearch:
    # Every published entry sits in one bucket of each of these sizes, by its id (orgs
    # migration 0020): a broad query reads one bucket of its matches (directory.py).
    SAMPLE_BUCKETS = (16, 64, 256, 1024)

    def __init__(self):
        self._text_queries = {}

    def name_order(self):
        return Collate("name", "und-x-icu")

    def text_query(self, terms):
        """The tsquery of the words: a word the directory knows is matched as it is, a
        partial word (brinum) by the known words it begins (SearchWord), or as a prefix
        when they are too many. A prefix makes the GIN index collect every match before
        anything else applies (193 ms for `jaun` at a million rows); known words let it
        skip to a sample's bucket (directory.py)."""
        key = tuple(terms)
        if key not in self._text_queries:
            with read_connection(Organization).cursor() as cursor:
                cursor.execute(
                    "SELECT t, unaccent(t),"
                    " EXISTS (SELECT 1 FROM orgs_searchword WHERE word = unaccent(t))"
                    " FROM unnest(%s::text[]) t",
                    [list(terms)],
                )
                parts = []
                for term, folded, known in cursor.fetchall():
                    words = []
                    if not known and len(term) >= MIN_PREFIX_LENGTH:
                        # A constant pattern, so that the prefix index answers.
                        cursor.execute(
                            "SELECT word FROM orgs_searchword WHERE word LIKE %s LIMIT %s",
                            [_prefix_pattern(folded), PREFIX_WORDS_MAX + 1],
                        )
                        words = sorted(row[0] for row in cursor.fetchall())
                    parts.append(self._term_query(term, known, words))
            self._text_queries[key] = " & ".join(parts)
        return self._text_queries[key]

    @staticmethod
    def _term_query(term, known, words):
        # Only \w characters reach to_tsquery, so user input cannot inject query syntax.
        if known or len(term) < MIN_PREFIX_LENGTH:
            return term
        if 0 < len(words) <= PREFIX_WORDS_MAX and all(WORD.fullmatch(w) for w in words):
            return "(" + " | ".join(words) + ")"
        return f"{term}:*"

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

    def index_settle(self):
        """Move the GIN index's pending entries (new rows wait there until a vacuum) into
        the index proper: after a 10,000-row import, 22,000 of them cost every search
        about 4 ms until the next autovacuum."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('orgs_org_search_gin'::regclass)")

    def estimated_count(self, matches) -> int:
        """The planner's estimate of the number of matches, from the statistics ANALYZE
        keeps of every word and filter value: a plan, no scan. Call inside planned()."""
        sql, params = matches.order_by().values("id").query.sql_with_params()
        with read_connection(Organization).cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    def in_sample(self, matches, buckets, bucket):
        """The matches in one bucket of `buckets` (one of SAMPLE_BUCKETS): one more
        condition of the same GIN index, which skips to the bucket's entries instead of
        reading every match."""
        return matches.filter(
            RawSQL(
                "sample_vector @@ to_tsquery('simple', %s)",
                [f"q{buckets}x{bucket}"],
                output_field=BooleanField(),
            )
        )

    def ranked(self, matches, terms, sort):
        """The matches with a `rank` (ts_rank of the words) for the best-match order."""
        if sort == Sort.RELEVANCE:
            rank = RawSQL(
                "ts_rank(search_vector, to_tsquery('portal_search', %s))",
                [self.text_query(terms)],
                output_field=FloatField(),
            )
        else:
            rank = Value(0.0, output_field=FloatField())
        return matches.annotate(rank=rank)

    def order_by(self, sort):
        """The ORDER BY of the candidates (directory.py), by ICU collation."""
        return {
            Sort.RELEVANCE: 'rank DESC, name COLLATE "und-x-icu", id',
            Sort.NAME: 'name COLLATE "und-x-icu", id',
            Sort.UPDATED: "updated_at DESC, id DESC",
        }[sort]

    @contextmanager
    def planned(self):
        """The planner settings a search's statements run with, for its transaction."""
        connection = read_connection(Organization)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # Only the GIN index may answer: with a LIMIT, PostgreSQL sometimes prefers to
            # walk the table or the name index, fast when matches come early and slow
            # (seconds at a million rows) when they cluster at the end (Greek names).
            # Prefix words (jaun:*) collect their matches in a bitmap; with the default 4 MB
            # it turns lossy at a million rows and every row of a page is checked again.
            # One statement (set_config(..., true) is SET LOCAL): on busy cores every round
            # trip waits for PostgreSQL's process to be scheduled.
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true),"
                " set_config('enable_indexscan', 'off', true),"
                " set_config('work_mem', '32MB', true)"
            )
            yield

    def corrected_terms(self, terms):
        """Each word that matches nothing replaced by the closest known word, if any."""
        corrected = []
        connection = read_connection(Organization)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unaccent(t) FROM unnest(%s::text[]) WITH ORDINALITY u(t, n) ORDER BY n",
                [list(terms)],
            )
            folded_terms = [row[0] for row in cursor.fetchall()]
            for term, folded in zip(terms, folded_terms, strict=True):
                # A constant pattern, so that the prefix index answers (as in text_query).
                cursor.execute(
                    "SELECT word FROM orgs_searchword WHERE word LIKE %s LIMIT 1",
                    [_prefix_pattern(folded)],
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

    def similar_names(self, candidates, *, name, threshold, limit):
        """The candidates whose names look like `name` (pg_trgm similarity, accents and
        case ignored), the most alike first."""
        similarity = RawSQL(
            "similarity(unaccent(lower(name)), unaccent(lower(%s)))",
            [name],
            output_field=FloatField(),
        )
        return list(
            candidates.annotate(similarity=similarity)
            .filter(similarity__gte=threshold)
            .order_by("-similarity")[:limit]
        )


def _prefix_pattern(folded):
    """LIKE's pattern for the words that begin with `folded`, a constant so that the index
    orgs_searchword_prefix answers (words are \\w characters: `_` is the one to escape)."""
    return folded.replace("_", "\\_") + "%"
