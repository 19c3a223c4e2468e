"""Who signs for a party (access.signers_for) and who reads a signed revision's news
(access.partnership_people)."""

import pytest

from actionplans.access import MUNICIPALITY_PARTY, partnership_people, signers_for
from orgs.models import MunicipalityMembership
from tests.factories import (
    MemberFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .signoff_helpers import signable_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    return signable_partnership(municipality, organization)


def test_the_municipality_is_signed_for_by_its_active_coordinators_only(
    partnership, coordinator, staff, municipality
):
    gone = MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__is_active=False,
    ).user
    MunicipalityMembershipFactory(role=MunicipalityMembership.Role.COORDINATOR)  # elsewhere
    assert set(signers_for(partnership, MUNICIPALITY_PARTY)) == {coordinator}
    assert gone not in signers_for(partnership, MUNICIPALITY_PARTY)


def test_an_organization_is_signed_for_by_its_active_representatives(
    partnership, organization, representative
):
    colleague = OrganizationMembershipFactory(organization=organization).user
    OrganizationMembershipFactory(organization=organization, user__is_active=False)
    OrganizationMembershipFactory()  # another organization's
    assert set(signers_for(partnership, organization)) == {representative, colleague}


def test_readers_are_the_municipalitys_staff_and_every_partners_representatives(
    partnership, coordinator, staff, representative, municipality
):
    implementing = OrganizationFactory(home_municipality=municipality)
    MemberFactory(partnership=partnership, organization=implementing, role="implementing")
    partner = OrganizationMembershipFactory(organization=implementing).user
    OrganizationMembershipFactory(organization=OrganizationFactory())
    UserFactory()
    assert set(partnership_people(partnership)) == {coordinator, staff, representative, partner}
