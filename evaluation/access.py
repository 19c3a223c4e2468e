"""Who may see and change which part of an evaluation. Views fetch only through here.

A partnership's evaluation belongs to its members (actionplans.access): the municipality's
staff and the representatives of each partner organization. Every member reads it, plans it
(stages, KPIs, evidence) and enters measurements. A measurement is entered for one party,
the municipality or a partner organization, and approved or rejected by a member who acts
for another party: nobody approves what their own side entered. Outsiders, portal
administrators included, get 404.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from actionplans.access import MUNICIPALITY_PARTY, get_partnership_for_user, member_partnerships
from actionplans.models import Member
from orgs.models import Municipality, Organization
from roadmap_portal.lib.http import PermissionDeniedWithReason

from .models import EvaluationStage, Evidence, EvidenceFile, Kpi, Measurement


def parties_of(user, partnership):
    """The parties this user acts for in the partnership's evaluation: the municipality
    (MUNICIPALITY_PARTY) if they work for it, then each partner organization they represent."""
    if not (user.is_authenticated and user.is_active):
        return []
    parties = []
    if Municipality.objects.staffed_by(user).filter(pk=partnership.municipality_id).exists():
        parties.append(MUNICIPALITY_PARTY)
    represented = Organization.objects.represented_by(user).filter(
        pk__in=Member.objects.filter(partnership=partnership).values("organization_id")
    )
    parties.extend(represented.order_by("name"))
    return parties


def party_key(party):
    """The party as Measurement.entered_for_id holds it (None for the municipality)."""
    return None if party is MUNICIPALITY_PARTY else party.pk


def get_partnership_for_evaluation(user, pk):
    """A partnership this user works on, with `parties` (whom they act for); 404 for
    everyone else."""
    partnership = get_partnership_for_user(user, pk)
    partnership.parties = parties_of(user, partnership)
    return partnership


def get_stage(partnership, pk) -> EvaluationStage:
    stage = partnership.evaluation_stages.filter(pk=pk).first()
    if stage is None:
        raise Http404
    return stage


def get_kpi(partnership, pk) -> Kpi:
    kpi = partnership.kpis.filter(pk=pk).first()
    if kpi is None:
        raise Http404
    kpi.partnership = partnership  # its municipality is loaded already
    return kpi


def get_measurement(partnership, pk) -> Measurement:
    measurement = (
        Measurement.objects.filter(kpi__partnership=partnership, pk=pk)
        .select_related("kpi", "entered_for", "entered_by", "reviewed_by")
        .first()
    )
    if measurement is None:
        raise Http404
    measurement.kpi.partnership = partnership
    return measurement


def get_evidence(partnership, pk) -> Evidence:
    evidence = partnership.evidence.filter(pk=pk).select_related("stage").first()
    if evidence is None:
        raise Http404
    return evidence


def get_evidence_file(partnership, pk) -> EvidenceFile:
    """The file of one piece of evidence of this partnership (the caller is a member)."""
    found = EvidenceFile.objects.filter(evidence__partnership=partnership, evidence=pk).first()
    if found is None:
        raise Http404
    return found


def acts_for_entering_party(parties, measurement) -> bool:
    """Whether one of `parties` is the party the measurement was entered for."""
    return any(party_key(p) == measurement.entered_for_id for p in parties)


def review_parties(partnership, measurement, user):
    """The parties `user` may approve or reject `measurement` for: none when they entered
    it or act for the party it was entered for in any of their roles (staff who also
    represent a partner do not approve, as the partner, what their colleagues entered, or
    what they changed themselves); else each of their parties."""
    if measurement.entered_by_id == user.pk:
        return []
    if acts_for_entering_party(partnership.parties, measurement):
        return []
    return list(partnership.parties)


def check_may_review(partnership, measurement, user):
    """The party the user decides for; 403 saying why when they may not."""
    if measurement.entered_by_id == user.pk:
        raise PermissionDeniedWithReason(
            _("You entered this measurement: a member of another partner approves it.")
        )
    parties = review_parties(partnership, measurement, user)
    if not parties:
        raise PermissionDeniedWithReason(
            _("It was entered for your side: a member of another partner approves it.")
        )
    return parties[0]


def check_may_change(partnership, measurement, user):
    """A measurement waiting for approval is changed or withdrawn by a member of the party
    it was entered for; a decided one is fixed (403 saying why)."""
    if not measurement.is_pending:
        raise PermissionDeniedWithReason(
            _("This measurement is decided already: enter a new one instead.")
        )
    if all(party_key(p) != measurement.entered_for_id for p in partnership.parties):
        raise PermissionDeniedWithReason(
            _("It was entered for another partner: only they change it.")
        )


def measurements_to_review(user, partnerships=None):
    """Measurements waiting for approval that this user may decide, over the partnerships
    they work on (or those of `partnerships`)."""
    if not (user.is_authenticated and user.is_active):
        return Measurement.objects.none()
    partnerships = member_partnerships(user) if partnerships is None else partnerships
    staffed = Municipality.objects.staffed_by(user)
    represented = Organization.objects.represented_by(user)
    pending = Measurement.objects.filter(
        status=Measurement.Status.PENDING, kpi__partnership__in=partnerships
    ).exclude(entered_by=user)
    partners_i_represent = Member.objects.filter(
        partnership=OuterRef("kpi__partnership"), organization__in=represented
    )
    # Never what was entered for a party the user acts for, in any role.
    i_act_for_the_entering_party = Q(
        entered_for__isnull=True, kpi__partnership__municipality__in=staffed
    ) | Q(entered_for__in=represented)
    i_act_for_another_party = Q(kpi__partnership__municipality__in=staffed) | Exists(
        partners_i_represent
    )
    return pending.filter(i_act_for_another_party).exclude(i_act_for_the_entering_party)


def get_municipality_for_dashboard(user, slug) -> Municipality:
    """A municipality this user works for; 404 for every other."""
    municipality = Municipality.objects.staffed_by(user).filter(slug=slug).first()
    if municipality is None:
        raise Http404
    return municipality


def municipality_partnerships(municipality):
    return municipality.partnerships.all()
