"""Who may see, change and sign which partnership. Views fetch partnerships only here.

Members edit: the staff of the partnership's municipality (coordinators included) and the
representatives of every organization that is one of its partners. Two kinds of member
sign: a coordinator of the municipality, for the municipality, and a representative of
each signatory organization, for it. Nobody else sees a partnership, portal
administrators included (404), unless every signing party agreed to make it public; then
anyone reads its public page, which leaves out everyone's contact details.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from orgs.models import Municipality, MunicipalityMembership, Organization

from .models import Member, Partnership, PublicationConsent

# The party a coordinator signs for; an organization's party is the organization itself.
MUNICIPALITY_PARTY = None


def member_partnerships(user):
    """The partnerships this user works on: of a municipality they work for, or with an
    organization they represent among the partners."""
    if not (user.is_authenticated and user.is_active):
        return Partnership.objects.none()
    partner_of = Member.objects.filter(organization__in=Organization.objects.represented_by(user))
    return Partnership.objects.filter(
        Q(municipality__in=Municipality.objects.staffed_by(user))
        | Q(pk__in=partner_of.values("partnership_id"))
    )


def may_start_partnership(user):
    """Staff start partnerships, for a municipality they work for."""
    return Municipality.objects.staffed_by(user).exists()


def municipalities_for_start(user):
    return Municipality.objects.staffed_by(user).order_by("name")


def signing_parties(partnership):
    """The parties that must sign: the municipality (MUNICIPALITY_PARTY) first, then each
    signatory organization once, in the partners' order."""
    organizations = Organization.objects.filter(
        pk__in=partnership.members.filter(role=Member.Role.SIGNATORY).values("organization_id")
    ).order_by("name")
    return [MUNICIPALITY_PARTY, *organizations]


def parties_of(user, partnership):
    """The parties this user may sign for: the municipality if they coordinate it, and the
    signatory organizations they represent."""
    if not (user.is_authenticated and user.is_active):
        return []
    parties = []
    coordinates = Municipality.objects.staffed_by(
        user, role=MunicipalityMembership.Role.COORDINATOR
    ).filter(pk=partnership.municipality_id)
    if coordinates.exists():
        parties.append(MUNICIPALITY_PARTY)
    represented = Organization.objects.represented_by(user).filter(
        pk__in=partnership.members.filter(role=Member.Role.SIGNATORY).values("organization_id")
    )
    parties.extend(represented.order_by("name"))
    return parties


def get_partnership_for_user(user, pk, *, write=False):
    """A partnership this user works on, with `may_edit`. An outsider gets 404. Every
    member may edit (`write` is for symmetry with the other getters: no member is
    read-only today)."""
    partnership = member_partnerships(user).with_municipality().filter(pk=pk).first()
    if partnership is None:
        raise Http404
    partnership.may_edit = True
    partnership.may_sign = bool(parties_of(user, partnership))
    if write and not partnership.may_edit:
        raise PermissionDenied
    return partnership


def get_partnership_for_signing(user, pk):
    """A partnership this user signs for at least one party, with `parties`; 403 for a
    member who signs for nobody (staff who are not coordinators, representatives of a
    partner that does not sign)."""
    partnership = get_partnership_for_user(user, pk)
    partnership.parties = parties_of(user, partnership)
    if not partnership.parties:
        raise PermissionDenied
    return partnership


def public_partnerships():
    """Partnerships every signing party agreed to publish, with a signed revision."""
    consent_of_municipality = PublicationConsent.objects.filter(
        partnership=OuterRef("pk"), organization__isnull=True
    )
    unconsented_signatory = Member.objects.filter(
        partnership=OuterRef("pk"), role=Member.Role.SIGNATORY
    ).exclude(
        organization__in=PublicationConsent.objects.filter(
            partnership=OuterRef(OuterRef("pk")), organization__isnull=False
        ).values("organization_id")
    )
    return Partnership.objects.filter(
        Exists(consent_of_municipality),
        ~Exists(unconsented_signatory),
        revisions__status="signed",
    ).distinct()


def is_public(partnership):
    return public_partnerships().filter(pk=partnership.pk).exists()


def get_public_partnership(pk):
    """A public partnership, for anyone; 404 for every other."""
    partnership = public_partnerships().with_municipality().filter(pk=pk).first()
    if partnership is None:
        raise Http404
    return partnership


def get_partnership_for_reading(user, pk):
    """A partnership this user may read a signed plan of: as a member, or as anyone when
    it is public. `is_member` and `is_public` say which; 404 for every other."""
    partnership = member_partnerships(user).with_municipality().filter(pk=pk).first()
    if partnership is not None:
        partnership.is_member = True
        partnership.is_public = is_public(partnership)
        return partnership
    partnership = get_public_partnership(pk)
    partnership.is_member, partnership.is_public = False, True
    return partnership
