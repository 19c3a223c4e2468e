"""An entry's history and a municipality's staff changes are paged: their cost does not
grow with the history (roadmap_portal/lib/pagination.py)."""

import pytest

from orgs.models import MunicipalityMembership, OrganizationChange, StaffChange
from tests.factories import MunicipalityMembershipFactory
from tests.listpages import assert_flat, queries_of

pytestmark = pytest.mark.django_db


def changes_of(organization, start, count):
    for n in range(start, start + count):
        OrganizationChange.objects.create(
            organization=organization,
            fields={"name": {"old": f"Vecais {n:02d}", "new": f"Nosaukums {n:02d}"}},
        )


def staff_changes_of(municipality, start, count):
    for n in range(start, start + count):
        StaffChange.objects.create(
            municipality=municipality,
            kind=StaffChange.Kind.ROLE_CHANGED,
            email=f"darbinieks{n:02d}@example.org",
            role=MunicipalityMembership.Role.STAFF,
            previous_role=MunicipalityMembership.Role.COORDINATOR,
        )


class TestOrganizationHistory:
    def test_it_makes_as_many_queries_with_30_changes_as_with_3(self, client, staff, organization):
        changes_of(organization, 0, 3)
        client.force_login(staff)
        assert_flat(
            client,
            f"/en/organizations/{organization.slug}/history/",
            add_rows=lambda: changes_of(organization, 3, 27),
            table="orgs_organizationchange",
        )

    def test_the_second_page_shows_the_21st_change_and_links_back(
        self, client, staff, organization
    ):
        changes_of(organization, 0, 25)
        client.force_login(staff)
        response, _sqls = queries_of(
            client, f"/en/organizations/{organization.slug}/history/?page=2"
        )
        # Newest first: the 21st is the fifth made.
        assert "Nosaukums 04" in response.text
        assert "Nosaukums 05" not in response.text
        assert 'href="?" rel="prev">Previous' in response.text
        assert "Showing 21 to 25 of 25" in response.text

    def test_someone_who_may_not_read_it_still_gets_403(self, client, outsider, organization):
        client.force_login(outsider)
        response = client.get(f"/en/organizations/{organization.slug}/history/?page=2")
        assert response.status_code == 403


class TestStaffChanges:
    def test_the_staff_page_makes_as_many_queries_with_30_changes_as_with_3(
        self, client, coordinator, municipality
    ):
        staff_changes_of(municipality, 0, 3)
        client.force_login(coordinator)
        assert_flat(
            client,
            f"/en/municipalities/{municipality.slug}/staff/",
            add_rows=lambda: staff_changes_of(municipality, 3, 27),
            table="orgs_staffchange",
        )

    def test_the_second_page_shows_the_21st_change_and_keeps_its_parameter(
        self, client, coordinator, municipality
    ):
        staff_changes_of(municipality, 0, 25)
        client.force_login(coordinator)
        response, _sqls = queries_of(
            client, f"/en/municipalities/{municipality.slug}/staff/?changes=2"
        )
        assert "darbinieks04@example.org" in response.text
        assert "darbinieks05@example.org" not in response.text
        assert 'href="?" rel="prev">Previous' in response.text

    def test_staff_who_do_not_coordinate_still_get_403(self, client, municipality):
        client.force_login(MunicipalityMembershipFactory(municipality=municipality).user)
        response = client.get(f"/en/municipalities/{municipality.slug}/staff/?changes=2")
        assert response.status_code == 403
