"""What a directory search is asked and what it answers."""

from dataclasses import dataclass

from orgs.models import facet_tokens
from roadmap_portal.lib.pagination import last_page

PAGE_SIZE = 20


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    UPDATED = "updated"


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
    # How many match: exact, or an estimate ("about 280,000") from a sample (directory.py).
    count: int
    # How many of them can be paged through: every match, or the sample, or the first
    # RESULT_COUNT_CAP in order when browsing everything.
    listed: int
    page: int
    sort: str
    count_is_estimate: bool = False
    corrected_text: str = ""

    @property
    def num_pages(self):
        return max(1, last_page(self.listed, PAGE_SIZE))

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def has_previous(self):
        return self.page > 1
