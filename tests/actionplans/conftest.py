import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MemberFactory, OrganizationMembershipFactory, PartnershipFactory


@pytest.fixture
def partnership(municipality, organization, staff):
    """Talsi's partnership with one signatory organization, whose representative is a
    member of it."""
    partnership = PartnershipFactory(
        municipality=municipality, title="Atelpas brīži kopā", created_by=staff
    )
    MemberFactory(partnership=partnership, organization=organization)
    return partnership


@pytest.fixture
def other_representative(municipality):
    """A representative of an organization that is not a partner."""
    return OrganizationMembershipFactory(organization__home_municipality=municipality).user


def url_of(name, **kwargs):
    """A page's address in English, the language the tests read."""
    with translation.override("en"):
        return reverse(f"actionplans:{name}", kwargs=kwargs)
