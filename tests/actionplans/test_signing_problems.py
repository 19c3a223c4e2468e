"""actionplans.services.signing_problems: what must be there before anyone signs."""

import pytest
from django.utils import translation

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.services import NotSignable, partnership_sign, signing_problems
from tests.factories import ActionItemFactory, MemberFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def signable(municipality, organization):
    partnership = PartnershipFactory(municipality=municipality)
    MemberFactory(partnership=partnership, organization=organization)
    ActionItemFactory(partnership=partnership)
    return partnership


def test_a_partnership_with_a_result_a_signatory_and_an_action_can_be_signed(signable):
    assert signing_problems(signable) == []


def test_without_a_shared_result_nobody_signs(signable, coordinator):
    signable.shared_result = "  "
    signable.save(update_fields=["shared_result"])
    assert signing_problems(signable) == ["Describe the shared result in the details."]
    with pytest.raises(NotSignable):
        partnership_sign(
            partnership=signable,
            party=MUNICIPALITY_PARTY,
            signer=coordinator,
            checked_hash=current_hash(signable),
        )
    assert not signable.revisions.exists()


def test_without_a_signatory_or_an_action_both_are_asked_for(municipality):
    partnership = PartnershipFactory(municipality=municipality)
    assert signing_problems(partnership) == [
        "Add at least one partner organization as a signatory.",
        "Add at least one row to the action plan.",
    ]
