import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from orgs.models import Organization
from roadmap_portal.lib import pagination
from roadmap_portal.lib.pagination import UnorderedQuerySet, paginate
from tests.factories import MunicipalityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def request_for(query=""):
    return RequestFactory().get(f"/list/{query}")


@pytest.fixture
def municipality():
    return MunicipalityFactory()


@pytest.fixture
def listed(municipality):
    """45 organizations of one municipality, named so their order is plain."""
    for n in range(45):
        OrganizationFactory(name=f"Biedrība {n:02d}", home_municipality=municipality)
    return Organization.objects.filter(home_municipality=municipality).order_by("name", "id")


def names(page):
    return [organization.name for organization in page]


def test_a_page_reads_one_row_more_than_it_shows_and_counts_at_most_the_cap_plus_one(listed):
    with CaptureQueriesContext(connection) as captured:
        page = paginate(request_for("?page=2"), listed, per_page=20)
    assert names(page) == [f"Biedrība {n:02d}" for n in range(20, 40)]
    assert page.has_next and page.has_previous
    assert (page.count, page.count_is_capped, page.num_pages) == (45, False, 3)
    count_sql, page_sql = (query["sql"] for query in captured.captured_queries)
    assert "COUNT(" in count_sql.upper() and "LIMIT 1001" in count_sql.upper()
    assert "LIMIT 21" in page_sql.upper() and "OFFSET 20" in page_sql.upper()


def test_the_last_page_has_no_next(listed):
    page = paginate(request_for("?page=3"), listed, per_page=20)
    assert names(page) == [f"Biedrība {n:02d}" for n in range(40, 45)]
    assert not page.has_next
    assert (page.start_index, page.end_index) == (41, 45)


def test_a_count_past_the_cap_is_capped_and_so_is_the_last_page(listed, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    page = paginate(request_for("?page=99"), listed, per_page=10)
    assert (page.count, page.count_is_capped) == (30, True)
    # Page 3 is the last one reached: rows 21 to 30, and no link further though more exist.
    assert page.number == 3
    assert names(page) == [f"Biedrība {n:02d}" for n in range(20, 30)]
    assert not page.has_next
    with translation.override("en"):
        assert page.count_display == "30+"


def test_an_exact_count_shows_without_a_plus(listed):
    page = paginate(request_for(), listed)
    with translation.override("en"):
        assert page.count_display == "45"


def test_an_unordered_queryset_is_refused(municipality):
    with pytest.raises(UnorderedQuerySet):
        paginate(request_for(), Organization.objects.filter(home_municipality=municipality))


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("abc", 1), ("", 1), ("0", 1), ("-4", 1), ("2.5", 1), ("99", 3), ("3", 3), (" 2 ", 2)],
)
def test_a_bad_or_out_of_range_page_number_shows_the_first_or_the_last_page(listed, asked, shown):
    page = paginate(request_for(f"?page={asked}"), listed, per_page=20)
    assert page.number == shown
    assert len(page) == (5 if shown == 3 else 20)


def test_an_empty_list_is_one_empty_page(municipality):
    page = paginate(
        request_for("?page=7"),
        Organization.objects.filter(home_municipality=municipality).order_by("id"),
    )
    assert (page.number, page.count, page.num_pages, bool(page)) == (1, 0, 1, False)
    assert not page.has_next and not page.has_previous


def test_links_keep_the_other_parameters_and_the_other_lists_pages(listed):
    page = paginate(request_for("?q=biedr%C4%ABba&claims=3&entries=2"), listed, param="entries")
    assert page.number == 2
    assert page.next_url == "?q=biedr%C4%ABba&claims=3&entries=3"
    # Page 1 is the list's own address, without the parameter.
    assert page.previous_url == "?q=biedr%C4%ABba&claims=3"


def test_the_numbers_shown_are_the_first_the_last_and_the_current_with_its_neighbours(listed):
    page = paginate(request_for("?page=5"), listed, per_page=5)  # 9 pages
    shown = [link.number if link else None for link in page.links]
    assert shown == [1, None, 4, 5, 6, None, 9]
    assert [link.number for link in page.links if link and link.is_current] == [5]


def test_the_template_shows_previous_and_next_and_the_current_page(listed):
    page = paginate(request_for("?sort=name&page=2"), listed, per_page=20)
    with translation.override("en"):
        html = render_to_string("includes/pagination.html", {"page": page, "label": "Pages of X"})
        count = render_to_string("includes/page_count.html", {"page": page})
    assert '<nav class="mt-3" aria-label="Pages of X">' in html
    assert 'href="?sort=name" rel="prev">Previous' in html
    assert 'href="?sort=name&amp;page=3" rel="next">Next' in html
    assert 'aria-current="page"><span class="page-link">Page 2 of 3</span>' in html
    assert "Showing 21 to 40 of 45" in count


def test_a_single_page_shows_no_links(municipality):
    OrganizationFactory(home_municipality=municipality)
    queryset = Organization.objects.filter(home_municipality=municipality).order_by("id")
    page = paginate(request_for(), queryset)
    assert "<nav" not in render_to_string("includes/pagination.html", {"page": page})
