"""Who works where: Municipality.objects.staffed_by and Organization.objects.represented_by."""

from django.contrib.auth.models import AnonymousUser

from orgs.models import Municipality, MunicipalityMembership, Organization
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

COORDINATOR = MunicipalityMembership.Role.COORDINATOR
STAFF = MunicipalityMembership.Role.STAFF


def test_staff_of_two_municipalities_work_for_both_and_no_other(db):
    talsi, braga, _elsewhere = MunicipalityFactory.create_batch(3)
    user = UserFactory()
    MunicipalityMembershipFactory(user=user, municipality=talsi)
    MunicipalityMembershipFactory(user=user, municipality=braga, role=COORDINATOR)

    assert set(Municipality.objects.staffed_by(user)) == {talsi, braga}


def test_staffed_by_a_role_gives_only_the_municipalities_of_that_role(db):
    talsi, braga = MunicipalityFactory.create_batch(2)
    user = UserFactory()
    MunicipalityMembershipFactory(user=user, municipality=talsi)
    MunicipalityMembershipFactory(user=user, municipality=braga, role=COORDINATOR)

    assert list(Municipality.objects.staffed_by(user, role=COORDINATOR)) == [braga]
    assert list(Municipality.objects.staffed_by(user, role=STAFF)) == [talsi]


def test_a_coordinator_is_staff_too(coordinator, municipality):
    assert list(Municipality.objects.staffed_by(coordinator)) == [municipality]


def test_colleagues_do_not_make_a_municipality_appear_twice(municipality, staff, coordinator):
    # A join on the memberships would give one row per colleague.
    assert list(Municipality.objects.all().staffed_by(staff)) == [municipality]


def test_nobody_works_anywhere_without_a_membership(outsider, representative, administrator):
    for user in (outsider, representative, administrator, AnonymousUser()):
        assert not Municipality.objects.staffed_by(user).exists()


def test_a_deactivated_account_works_for_no_municipality(staff):
    staff.is_active = False
    staff.save(update_fields=["is_active"])

    assert not Municipality.objects.staffed_by(staff).exists()


def test_staffed_by_narrows_a_queryset(db):
    talsi, braga = MunicipalityFactory.create_batch(2)
    user = UserFactory()
    for municipality in (talsi, braga):
        MunicipalityMembershipFactory(user=user, municipality=municipality)

    assert list(Municipality.objects.filter(pk=braga.pk).staffed_by(user)) == [braga]


def test_representative_of_two_organizations_represents_both_and_no_other(db):
    first, second, _other = OrganizationFactory.create_batch(3)
    user = UserFactory()
    for organization in (first, second):
        OrganizationMembershipFactory(user=user, organization=organization)

    assert set(Organization.objects.represented_by(user)) == {first, second}


def test_represented_by_counts_each_entry_once_and_chains(organization, representative):
    OrganizationMembershipFactory(organization=organization)  # a colleague
    pending = OrganizationFactory(status=Organization.Status.PENDING)
    OrganizationMembershipFactory(user=representative, organization=pending)

    assert list(Organization.objects.published().represented_by(representative)) == [organization]


def test_staff_and_outsiders_represent_nothing(staff, outsider, administrator, organization):
    for user in (staff, outsider, administrator, AnonymousUser()):
        assert not Organization.objects.represented_by(user).exists()


def test_a_deactivated_account_represents_nothing(representative):
    representative.is_active = False
    representative.save(update_fields=["is_active"])

    assert not Organization.objects.represented_by(representative).exists()
