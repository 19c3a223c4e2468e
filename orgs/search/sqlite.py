"""The directory search on SQLite (zero set-up): the same words matched with LIKE over a
folded copy of the text (portal_normalize, registered in orgs.apps), so case and accents
are still ignored; no ranking function and no typo tolerance."""

from contextlib import nullcontext
from difflib import SequenceMatcher

from django.db.models import Case, Func, Q, TextField, Value, When
from django.db.models.functions import Concat

from .query import Sort
from .text import normalize

# Names compared for possible duplicates, at most (a municipality has far fewer entries).
SIMILAR_CANDIDATES_MAX = 5000


class PortalNormalize(Func):
    """normalize() inside SQLite (registered in orgs.apps)."""

    function = "portal_normalize"
    output_field = TextField()


class SqliteSearch:
    # No samples and no estimates: a SQLite directory is small, and LIKE reads every row
    # anyway, so every match is counted and sorted (directory.py).
    SAMPLE_BUCKETS = ()

    def estimated_count(self, matches):
        return None

    def index_settle(self):
        pass  # no index to settle

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

    def ranked(self, matches, terms, sort):
        """The matches with a `rank`: with no ranking function in SQLite, the number of
        the words that the name contains, for the best-match order."""
        if sort != Sort.RELEVANCE:
            return matches.annotate(rank=Value(0))
        rank = sum(
            (
                Case(When(Q(**{"folded_name__contains": normalize(t)}), then=1), default=0)
                for t in terms
            ),
            Value(0),
        )
        return matches.annotate(folded_name=PortalNormalize("name")).annotate(rank=rank)

    def order_by(self, sort):
        """The ORDER BY of the candidates (directory.py). SQLite compares by code point:
        the names are folded so that "Ābele" sits by "Abele"."""
        return {
            Sort.RELEVANCE: "rank DESC, portal_normalize(name), name, id",
            Sort.NAME: "portal_normalize(name), name, id",
            Sort.UPDATED: "updated_at DESC, id DESC",
        }[sort]

    def planned(self):
        return nullcontext()  # SQLite's planner needs no advice here

    def corrected_terms(self, terms):
        return terms  # Typo tolerance is PostgreSQL's alone (pg_trgm).

    def similar_names(self, candidates, *, name, threshold, limit):
        """The candidates whose names look like `name`, the most alike first: compared in
        Python (difflib), folded, for at most SIMILAR_CANDIDATES_MAX of them."""
        folded = normalize(name)
        scored = [
            (SequenceMatcher(None, folded, normalize(organization.name)).ratio(), organization)
            for organization in candidates.only("pk", "name", "slug", "status")[
                :SIMILAR_CANDIDATES_MAX
            ]
        ]
        return [o for score, o in sorted(scored, key=lambda x: -x[0]) if score >= threshold][:limit]
