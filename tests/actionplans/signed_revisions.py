"""Signed revisions for the tests of the signed PDF and its verification: made through
partnership_sign as the sign-off pages make them."""

from django.test import TestCase

from ..factories import (
    ActionItemFactory,
    CommunicationItemFactory,
    MemberFactory,
    PartnershipFactory,
)
from .signoff_helpers import sign_by_both

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž ą ę ė į ų å ä ö ã õ ç α β γ Ω"


def signed_revision(
    *,
    municipality,
    coordinator,
    organization,
    representative,
    actions=2,
    communications=2,
    make_pdf=False,
    **partnership_fields,
):
    """A partnership of `municipality` with `organization` as its signatory, signed by
    both; its revision 1. `make_pdf`: run the commit's callbacks (the PDF's task)."""
    partnership = PartnershipFactory(municipality=municipality, **partnership_fields)
    MemberFactory(partnership=partnership, organization=organization)
    for number in range(actions):
        ActionItemFactory(
            partnership=partnership,
            activity=f"Darbība {number + 1}: atelpas brīži ģimenēm",
            goals=f"Mērķis {number + 1}",
        )
    for number in range(communications):
        CommunicationItemFactory(partnership=partnership, subject=f"Ziņa {number + 1} vecākiem")
    with TestCase.captureOnCommitCallbacks(execute=make_pdf):
        return sign_by_both(partnership, coordinator, organization, representative)
