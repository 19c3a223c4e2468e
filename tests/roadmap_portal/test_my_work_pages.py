"""My work's lists are paged, each with its own parameter: the page costs the same with a
queue of 30 as of 3 (roadmap_portal/lib/pagination.py, orgs/panels.py)."""

import datetime

import pytest
from django.utils import timezone

from orgs.models import Organization
from tests.factories import OrganizationFactory, OrganizationMembershipFactory
from tests.listpages import assert_flat, queries_of

pytestmark = pytest.mark.django_db

URL = "/en/my-work/"


def pending_entries(municipality, start, count):
    for n in range(start, start + count):
        OrganizationFactory(
            name=f"Gaida {n:02d}",
            home_municipality=municipality,
            status=Organization.Status.PENDING,
        )


def represented_by(user, start, count):
    year_and_a_day_ago = timezone.now() - datetime.timedelta(days=366)
    for n in range(start, start + count):
        organization = OrganizationFactory(name=f"Mana {n:02d}")
        OrganizationMembershipFactory(organization=organization, user=user)
        if n % 2:
            Organization.objects.filter(pk=organization.pk).update(
                last_confirmed_at=year_and_a_day_ago
            )


@pytest.mark.parametrize("who", ["staff", "administrator"])
def test_the_queue_costs_as_many_queries_with_30_entries_as_with_3(
    client, request, municipality, who
):
    pending_entries(municipality, 0, 3)
    client.force_login(request.getfixturevalue(who))
    _response, few = queries_of(client, URL)
    pending_entries(municipality, 3, 27)
    response, many = queries_of(client, URL)
    assert len(many) == len(few)
    # The panel's entries: 10 rows and one more, counted up to 1,001.
    limited = [sql for sql in many if sql.startswith('SELECT "orgs_organization".')]
    assert any(sql.endswith("LIMIT 11") for sql in limited), limited
    assert "Gaida 09" in response.text and "Gaida 10" not in response.text


def test_the_second_page_of_the_queue_shows_the_11th_entry_and_links_back(
    client, staff, municipality
):
    pending_entries(municipality, 0, 15)
    client.force_login(staff)
    response, _sqls = queries_of(client, URL + "?queue_entries=2")
    assert "Gaida 10" in response.text and "Gaida 09" not in response.text
    assert 'href="?" rel="prev">Previous' in response.text
    assert "Showing 11 to 15 of 15" in response.text


def test_my_organizations_cost_as_many_queries_with_30_as_with_3(client, outsider):
    represented_by(outsider, 0, 3)
    client.force_login(outsider)
    response = assert_flat(
        client,
        URL,
        add_rows=lambda: represented_by(outsider, 3, 27),
        table="orgs_organization",
    )
    # What is due comes from every entry, not only the page's: Mana 29 is on page 2.
    assert "Confirm that Mana 29 is still correct" in response.text
    assert "Confirm that Mana 28 is still correct" not in response.text


def test_the_second_page_of_my_organizations_shows_the_21st(client, outsider):
    represented_by(outsider, 0, 25)
    client.force_login(outsider)
    response, _sqls = queries_of(client, URL + "?organizations=2")
    assert 'href="/en/organizations/' in response.text
    assert ">Mana 20</a>" in response.text and ">Mana 19</a>" not in response.text
    assert 'aria-label="Pages of my organizations"' in response.text
    assert 'href="?" rel="prev">Previous' in response.text
