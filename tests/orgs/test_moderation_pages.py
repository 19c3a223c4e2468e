"""The moderation queue is paged, each of its lists on its own (?entries= ?claims= ?moves=):
its cost does not grow with the queue."""

import pytest

from orgs.models import Organization, OrganizationClaim, OrganizationMove
from tests.factories import MunicipalityFactory, OrganizationFactory, UserFactory
from tests.listpages import assert_flat, queries_of

pytestmark = pytest.mark.django_db


def pending_entries(municipality, names):
    for name in names:
        OrganizationFactory(
            name=name, home_municipality=municipality, status=Organization.Status.PENDING
        )


def claims_for(municipality, count, start=0):
    for n in range(start, start + count):
        OrganizationClaim.objects.create(
            organization=OrganizationFactory(
                name=f"Prasīta {n:02d}", home_municipality=municipality
            ),
            user=UserFactory(),
            message="Es tur strādāju.",
        )


def moves_to(municipality, count, start=0):
    elsewhere = MunicipalityFactory()
    for n in range(start, start + count):
        OrganizationMove.objects.create(
            organization=OrganizationFactory(name=f"Pārceļas {n:02d}", home_municipality=elsewhere),
            from_municipality=elsewhere,
            to_municipality=municipality,
            requested_by=UserFactory(),
        )


@pytest.mark.parametrize(
    ("fill", "table"),
    [
        (pending_entries, "orgs_organization"),
        (claims_for, "orgs_organizationclaim"),
        (moves_to, "orgs_organizationmove"),
    ],
)
def test_the_queue_makes_as_many_queries_with_30_waiting_as_with_3(
    client, staff, municipality, fill, table
):
    def add(count, start):
        if fill is pending_entries:
            pending_entries(municipality, [f"Gaida {n:02d}" for n in range(start, start + count)])
        else:
            fill(municipality, count, start)

    add(3, 0)
    client.force_login(staff)
    # A pending entry's table is also read for the claims' and moves' organizations, so
    # the entries' paged query is told apart by its LIMIT alone.
    assert_flat(client, "/en/moderation/", add_rows=lambda: add(27, 3), table=table)


def test_the_second_page_of_entries_shows_the_21st_and_links_back_keeping_the_others(
    client, staff, municipality
):
    pending_entries(municipality, [f"Gaida {n:02d}" for n in range(25)])
    claims_for(municipality, 22)
    client.force_login(staff)
    response, _sqls = queries_of(client, "/en/moderation/?claims=2&entries=2")
    text = response.text
    assert "Gaida 20" in text and "Gaida 24" in text and "Gaida 19" not in text
    # The claims stay on their own second page.
    assert "Prasīta 20" in text and "Prasīta 19" not in text
    assert 'href="?claims=2" rel="prev">Previous' in text
    assert 'href="?entries=2" rel="prev">Previous' in text
    assert 'aria-label="Pages of new entries"' in text
    assert "Showing 21 to 25 of 25" in text


def test_a_bad_page_number_shows_the_first_page(client, staff, municipality):
    pending_entries(municipality, ["Gaida 00"])
    client.force_login(staff)
    response = client.get("/en/moderation/?entries=abc&claims=99999999999999999999")
    assert response.status_code == 200
    assert "Gaida 00" in response.text


def test_a_claim_rejected_without_a_reason_shows_its_error_from_a_later_page(
    client, staff, municipality
):
    claims_for(municipality, 22)
    last = OrganizationClaim.objects.order_by("-created_at", "-id").first()
    client.force_login(staff)
    response = client.post(f"/en/moderation/claims/{last.pk}/", {"decision": "reject"})
    assert response.status_code == 200
    assert "Enter a reason for rejecting the claim" in response.text
    assert f'id="claim-{last.pk}"' in response.text
