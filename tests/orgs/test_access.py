"""The access decisions of orgs/access.py that views take as they fetch."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from orgs.access import (
    can_read_history,
    get_moderation_queues,
    get_municipality_for_viewer,
    get_organization_for_history,
    get_organization_for_moderation,
    get_organization_for_viewer,
)
from orgs.models import Organization, OrganizationChange
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)


@pytest.fixture
def other_staff(db):
    """Staff of another municipality."""
    return MunicipalityMembershipFactory().user


def rights(organization):
    return (organization.can_edit, organization.can_moderate, organization.viewer_represents)


class TestGetOrganizationForViewer:
    def test_a_representative_may_edit_their_entry_but_not_moderate_it(
        self, organization, representative
    ):
        fetched = get_organization_for_viewer(representative, organization.slug)
        assert rights(fetched) == (True, False, True)

    def test_staff_of_the_home_municipality_moderate_but_do_not_edit(self, organization, staff):
        fetched = get_organization_for_viewer(staff, organization.slug)
        assert rights(fetched) == (False, True, False)

    def test_a_portal_administrator_edits_and_moderates_without_representing(
        self, organization, administrator
    ):
        fetched = get_organization_for_viewer(administrator, organization.slug)
        assert rights(fetched) == (True, True, False)

    @pytest.mark.parametrize("who", ["outsider", "other_staff", "anonymous"])
    def test_others_read_a_published_entry_and_may_do_nothing_with_it(
        self, request, organization, who
    ):
        user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
        fetched = get_organization_for_viewer(user, organization.slug)
        assert rights(fetched) == (False, False, False)

    def test_representing_another_entry_gives_no_right_to_this_one(self, organization):
        user = OrganizationMembershipFactory().user
        assert rights(get_organization_for_viewer(user, organization.slug)) == (
            False,
            False,
            False,
        )

    def test_staff_of_two_municipalities_moderate_the_entries_of_both(self, organization):
        user = UserFactory()
        MunicipalityMembershipFactory(user=user)
        MunicipalityMembershipFactory(user=user, municipality=organization.home_municipality)
        assert get_organization_for_viewer(user, organization.slug).can_moderate

    def test_a_deactivated_representative_may_not_edit(self, organization, representative):
        representative.is_active = False
        representative.save(update_fields=["is_active"])
        assert not get_organization_for_viewer(representative, organization.slug).can_edit

    @pytest.mark.parametrize("who", ["outsider", "other_staff", "anonymous"])
    def test_others_get_404_for_a_pending_entry(self, request, organization, who):
        organization.status = Organization.Status.PENDING
        organization.save(update_fields=["status"])
        user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
        with pytest.raises(Http404):
            get_organization_for_viewer(user, organization.slug)

    @pytest.mark.parametrize("who", ["representative", "staff", "administrator"])
    def test_insiders_see_a_pending_entry(self, request, organization, who):
        organization.status = Organization.Status.PENDING
        organization.save(update_fields=["status"])
        user = request.getfixturevalue(who)
        assert get_organization_for_viewer(user, organization.slug) == organization

    def test_the_entry_and_the_rights_come_in_one_query(
        self, organization, representative, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            fetched = get_organization_for_viewer(representative, organization.slug)
            assert fetched.can_edit and fetched.home_municipality.name

    def test_an_unknown_address_is_404(self, db, administrator):
        with pytest.raises(Http404):
            get_organization_for_viewer(administrator, "no-such-entry")


class TestGetModerationQueues:
    @pytest.mark.parametrize("who", ["outsider", "representative", "anonymous"])
    def test_who_works_for_no_municipality_gets_403(self, request, organization, who):
        user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            get_moderation_queues(user)

    def test_staff_get_the_pending_entries_of_their_municipality(self, municipality, staff):
        pending = OrganizationFactory(
            home_municipality=municipality, status=Organization.Status.PENDING
        )
        OrganizationFactory(status=Organization.Status.PENDING)  # elsewhere, with no staff
        queues = get_moderation_queues(staff)
        assert list(queues.entries) == [pending]
        assert not queues.claims.exists() and not queues.moves.exists()

    def test_a_coordinator_moderates_too(self, municipality, coordinator):
        pending = OrganizationFactory(
            home_municipality=municipality, status=Organization.Status.PENDING
        )
        assert list(get_moderation_queues(coordinator).entries) == [pending]

    def test_a_portal_administrator_gets_the_queue_of_municipalities_without_staff(
        self, administrator
    ):
        pending = OrganizationFactory(status=Organization.Status.PENDING)
        assert list(get_moderation_queues(administrator).entries) == [pending]


class TestGetOrganizationForHistory:
    @pytest.fixture
    def former_staff(self, organization):
        """Staff of the municipality the entry moved away from."""
        former = MunicipalityFactory()
        OrganizationChange.objects.create(
            organization=organization,
            fields={
                "home_municipality_id": {"old": former.pk, "new": organization.home_municipality_id}
            },
        )
        return MunicipalityMembershipFactory(municipality=former).user

    @pytest.mark.parametrize("who", ["staff", "administrator"])
    def test_staff_of_the_home_municipality_may_revert(self, request, organization, who):
        user = request.getfixturevalue(who)
        assert get_organization_for_history(user, organization.slug).can_revert
        assert get_organization_for_history(user, organization.slug, write=True).can_revert

    def test_staff_of_a_former_home_municipality_read_only(self, organization, former_staff):
        fetched = get_organization_for_history(former_staff, organization.slug)
        assert not fetched.can_revert
        assert can_read_history(former_staff, fetched)
        with pytest.raises(PermissionDenied):
            get_organization_for_history(former_staff, organization.slug, write=True)

    @pytest.mark.parametrize("who", ["representative", "outsider", "other_staff"])
    def test_others_get_403_for_a_published_entry(self, request, organization, who):
        user = request.getfixturevalue(who)
        assert not can_read_history(user, organization)
        with pytest.raises(PermissionDenied):
            get_organization_for_history(user, organization.slug)

    @pytest.mark.parametrize("who", ["outsider", "other_staff"])
    def test_others_get_404_for_a_pending_entry(self, request, organization, who):
        organization.status = Organization.Status.PENDING
        organization.save(update_fields=["status"])
        with pytest.raises(Http404):
            get_organization_for_history(request.getfixturevalue(who), organization.slug)


class TestGetOrganizationForModeration:
    @pytest.fixture
    def pending(self, organization):
        organization.status = Organization.Status.PENDING
        organization.save(update_fields=["status"])
        return organization

    @pytest.mark.parametrize("who", ["staff", "coordinator", "administrator"])
    def test_staff_of_the_home_municipality_and_administrators_moderate(
        self, request, pending, who
    ):
        fetched = get_organization_for_moderation(request.getfixturevalue(who), pending.pk)
        assert fetched == pending and fetched.can_moderate

    def test_who_works_for_no_municipality_gets_403(self, pending, outsider, representative):
        for user in (outsider, representative):
            with pytest.raises(PermissionDenied):
                get_organization_for_moderation(user, pending.pk)

    def test_staff_of_another_municipality_get_404(self, pending, other_staff):
        with pytest.raises(Http404):
            get_organization_for_moderation(other_staff, pending.pk)

    def test_staff_who_represent_the_entry_get_403(self, pending, staff):
        OrganizationMembershipFactory(user=staff, organization=pending)
        with pytest.raises(PermissionDenied):
            get_organization_for_moderation(staff, pending.pk)


def test_the_municipality_page_knows_who_manages_its_staff_in_one_query(
    django_assert_num_queries, municipality, coordinator, staff, administrator, other_staff
):
    other_coordinator = MunicipalityMembershipFactory(role="coordinator").user
    expected = {
        AnonymousUser(): False,
        staff: False,
        other_staff: False,
        other_coordinator: False,
        coordinator: True,
        administrator: True,
    }
    for user, manages in expected.items():
        with django_assert_num_queries(1):
            page = get_municipality_for_viewer(user, municipality.slug)
        assert page.may_manage_staff is manages, user
    with pytest.raises(Http404):
        get_municipality_for_viewer(coordinator, "no-such-municipality")
