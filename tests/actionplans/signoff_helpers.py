"""Partnerships ready to sign, and signing them, for part C's tests (check and sign,
revisions, publication)."""

from django.urls import reverse
from django.utils import translation

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.services import partnership_sign
from tests.factories import (
    ActionItemFactory,
    CommunicationItemFactory,
    MemberFactory,
    PartnershipFactory,
)


def signable_partnership(municipality, organization, **kwargs):
    """A partnership of `municipality` with `organization` as signatory, an action and a
    communication: signable."""
    partnership = PartnershipFactory(municipality=municipality, **kwargs)
    MemberFactory(
        partnership=partnership,
        organization=organization,
        contact_name="Līga Kalniņa",
        contact_email="liga.kalnina@example.org",
        contact_phone="+371 2000 0000",
    )
    ActionItemFactory(partnership=partnership, activity="Atelpas brīži ģimenēm")
    CommunicationItemFactory(partnership=partnership, subject="Ziņas vecākiem")
    return partnership


def sign(partnership, party, signer):
    """`signer` signs for `party` the content as it is now."""
    return partnership_sign(
        partnership=partnership, party=party, signer=signer, checked_hash=current_hash(partnership)
    )


def sign_by_both(partnership, coordinator, organization, representative):
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    return sign(partnership, organization, representative).revision


def url(name, partnership, **kwargs):
    """The page's path in English, the language the tests read."""
    with translation.override("en"):
        return reverse(f"actionplans:{name}", kwargs={"pk": partnership.pk, **kwargs})
