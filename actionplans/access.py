"""Who may see, change and sign which partnership. Views fetch partnerships only here.

Members edit: the staff of the partnership's municipality (coordinators included) and the
representatives of every organization that is one of its partners. Two kinds of member
sign: a coordinator of the municipality, for the municipality, and a representative of
each signatory organization, for it. Nobody else sees a partnership, portal
administrators included (404), unless every signing party agreed to make it public; then
anyone reads its public page, which leaves out everyone's contact details.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from checklists.access import get_roadmap_for_user as get_roadmap_for_user_in_checklists
from orgs.models import Municipality, MunicipalityMembership, Organization
from orgs.sides import Side
from roadmap_portal.lib.http import PermissionDeniedWithReason

from .models import Member, Partnership, PartnershipRevision, PublicationConsent, Signature

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


def get_roadmap_for_start(user, pk):
    """A completed roadmap this user may start a partnership from, with `start_municipality`
    (whose partnership it will be). 404 for a roadmap they cannot read; 403, saying why,
    for one not completed, or an entry's that is not published. A municipality's roadmap:
    its staff start, for it. An organization's: its representatives, for its home
    municipality, or a coordinator it is shared with, for their municipality."""
    roadmap = get_roadmap_for_user_in_checklists(user, pk)
    if not roadmap.is_completed:
        raise PermissionDeniedWithReason(
            _("The roadmap is not completed yet: a partnership can be started from it once it is.")
        )
    if roadmap.form == Side.MUNICIPALITY:
        roadmap.start_municipality = roadmap.municipality
        return roadmap
    organization = roadmap.organization
    if organization.status != Organization.Status.PUBLISHED:
        raise PermissionDeniedWithReason(
            _("The entry of %(name)s is not published yet: it cannot be a partner until it is.")
            % {"name": organization.name}
        )
    if Organization.objects.represented_by(user).filter(pk=organization.pk).exists():
        roadmap.start_municipality = organization.home_municipality
        return roadmap
    coordinated = Municipality.objects.staffed_by(
        user, role=MunicipalityMembership.Role.COORDINATOR
    )
    share = (
        roadmap.shares.filter(municipality__in=coordinated)
        .select_related("municipality")
        .order_by("municipality__name")
        .first()
    )
    if share is None:  # get_roadmap_for_user let only its readers through
        raise Http404
    roadmap.start_municipality = share.municipality
    return roadmap


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


def signers_for(partnership, party):
    """Who may sign for `party`: the active coordinators of the municipality
    (MUNICIPALITY_PARTY), or the active representatives of a signatory organization."""
    users = get_user_model().objects.filter(is_active=True)
    if party is MUNICIPALITY_PARTY:
        return users.filter(
            municipality_memberships__municipality=partnership.municipality_id,
            municipality_memberships__role=MunicipalityMembership.Role.COORDINATOR,
        )
    return users.filter(organization_memberships__organization=party)


def partnership_people(partnership):
    """The partnership's people: the municipality's staff (coordinators included) and the
    representatives of every partner organization, active ones only, each once. They are
    told that a revision is signed, and one of them may be responsible for an action."""
    partner_organizations = partnership.members.filter(organization__isnull=False).values(
        "organization_id"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(municipality_memberships__municipality=partnership.municipality_id)
            | Q(organization_memberships__organization__in=partner_organizations)
        )
        .distinct()
    )


def get_partnership_for_user(user, pk, *, write=False):
    """A partnership this user works on, with `may_edit`. An outsider gets 404. Every
    member may edit (`write` is for symmetry with the other getters: no member is
    read-only today)."""
    partnership = member_partnerships(user).with_municipality().filter(pk=pk).first()
    if partnership is None:
        raise Http404
    partnership.may_edit = True
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
    """Partnerships every signing party agreed to publish, with a signed revision: the
    municipality, each signatory partner now, and each organization that signed a signed
    revision (what the public reads carries its signature, so it has a say even after it
    left the partners)."""
    consent_of_municipality = PublicationConsent.objects.filter(
        partnership=OuterRef("pk"), organization__isnull=True
    )
    consenting = PublicationConsent.objects.filter(
        partnership=OuterRef(OuterRef("pk")), organization__isnull=False
    ).values("organization_id")
    unconsented_signatory = Member.objects.filter(
        partnership=OuterRef("pk"), role=Member.Role.SIGNATORY
    ).exclude(organization__in=consenting)
    unconsented_signer = Signature.objects.filter(
        revision__partnership=OuterRef("pk"),
        revision__status=PartnershipRevision.Status.SIGNED,
        organization__isnull=False,
    ).exclude(organization__in=consenting)
    return Partnership.objects.filter(
        Exists(consent_of_municipality),
        ~Exists(unconsented_signatory),
        ~Exists(unconsented_signer),
        Exists(
            PartnershipRevision.objects.filter(
                partnership=OuterRef("pk"), status=PartnershipRevision.Status.SIGNED
            )
        ),
    )


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
