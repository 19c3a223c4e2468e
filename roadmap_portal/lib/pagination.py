"""Pages of a list whose cost does not grow with the list: every list page that can grow
(the moderation queue, My work, the histories, the imports) shows one page through
`paginate`, and templates/includes/pagination.html and page_count.html show its links and
its count.

A page costs two queries, however long the list:

- the count, capped: `queryset[:COUNT_CAP + 1].count()` counts at most 1,001 rows, so a
  queue of 30,000 shows "1,000+" instead of counting them all (COUNT(*) of the whole set
  is what made the queue take seconds at a million organizations);
- the page: per_page + 1 rows from OFFSET (number - 1) * per_page; the extra row says
  whether there is a next page.

With the count capped, the last page one can reach is COUNT_CAP / per_page (page 50 of
20 rows): an OFFSET grows with the page number, and capping it keeps the deepest page as
cheap as the count. Past the cap the list is for working from its start (the oldest
entry first, the newest change first), not for reading to its end; a filter narrows it.

The queryset must be ordered (by something unique at the end, such as "id"): pages of an
unordered list may repeat or skip rows, so paginate refuses one. It needs an index that
matches its filter and its order, or the database sorts every matching row for each page.

A page number that is not a number, or is out of range, shows the first or the last page:
a stale or edited link never fails.
"""

import math
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import QueryDict

COUNT_CAP = 1_000
PER_PAGE = 20
# Page numbers shown on each side of the current one, besides the first and the last.
NEIGHBOURS = 1


class UnorderedQuerySet(TypeError):
    """paginate was given a queryset without an order."""


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    is_current: bool


@dataclass
class Page:
    """One page of a list, with what its links and count line need. Iterate over it for
    the page's rows; `bool(page)` says whether it has any."""

    items: list
    number: int
    per_page: int
    has_next: bool
    # The number of rows, exact, or COUNT_CAP when there are more (count_is_capped).
    count: int
    count_is_capped: bool
    param: str = "page"
    query: object = field(default=None, repr=False)  # the request's QueryDict

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]

    def __bool__(self):
        return bool(self.items)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def num_pages(self):
        """The last page one can reach (bounded by the count's cap)."""
        return max(1, last_page(self.count, self.per_page))

    @property
    def start_index(self):
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self):
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def count_display(self):
        """The count in the active language's digits: "1,000+" when capped."""
        shown = intcomma(self.count)
        return f"{shown}+" if self.count_is_capped else shown

    def url(self, number):
        """This page's address with another page number, every other parameter kept."""
        query = self.query.copy() if self.query is not None else QueryDict(mutable=True)
        if number == 1:
            query.pop(self.param, None)
        else:
            query[self.param] = str(number)
        return f"?{query.urlencode()}"

    @property
    def previous_url(self):
        return self.url(self.number - 1) if self.has_previous else ""

    @property
    def next_url(self):
        return self.url(self.number + 1) if self.has_next else ""

    @property
    def links(self):
        """The numbered links in the GOV.UK pattern: the first, the last, the current
        and its neighbours; None where numbers are left out (shown as an ellipsis)."""
        last = self.num_pages
        shown = {1, last, *range(self.number - NEIGHBOURS, self.number + NEIGHBOURS + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= last)
        links, previous = [], 0
        for number in numbers:
            if number - previous > 1:
                links.append(None)
            links.append(PageLink(number, self.url(number), number == self.number))
            previous = number
        return links


def last_page(count, per_page):
    return math.ceil(count / per_page)


def page_number(value, last):
    """The page asked for, as a number from 1 to `last`; anything else the nearest."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), max(1, last))


def paginate(request, queryset, *, per_page=PER_PAGE, param="page") -> Page:
    """One page of `queryset` (which must be ordered) for the page number in
    request.GET[param]: two queries, a count capped at COUNT_CAP + 1 rows and the page's
    per_page + 1 rows."""
    if not queryset.ordered:
        raise UnorderedQuerySet(
            f"paginate needs an ordered queryset ({queryset.model.__name__}): add order_by()"
        )
    # Any COUNT_CAP + 1 rows will do for the count: no need to sort them.
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    capped = counted > COUNT_CAP
    count = min(counted, COUNT_CAP)
    number = page_number(request.GET.get(param, 1), last_page(count, per_page))
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    # Past the cap there are more rows, but not more pages (the module's docstring).
    has_next = len(rows) > per_page and number < last_page(count, per_page)
    return Page(
        items=rows[:per_page],
        number=number,
        per_page=per_page,
        has_next=has_next,
        count=count,
        count_is_capped=capped,
        param=param,
        query=request.GET,
    )
