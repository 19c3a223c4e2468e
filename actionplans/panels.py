"""The partnerships' panel on My work (roadmap_portal.lib.panels, settings.MY_WORK_PANELS)."""

from collections import Counter

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orgs.models import Municipality, MunicipalityMembership, Organization
from roadmap_portal.lib.panels import Due, Panel

from .access import may_start_partnership, member_partnerships
from .models import ActionItem, Member, PartnershipRevision


def _waiting_for_me(user, partnerships):
    """The open revisions of these partnerships that wait for a party this user signs for
    (as parties_of counts them), in a fixed number of queries."""
    by_pk = {p.pk: p for p in partnerships}
    coordinated = set(
        Municipality.objects.staffed_by(user, role=MunicipalityMembership.Role.COORDINATOR)
        .filter(pk__in={p.municipality_id for p in partnerships})
        .values_list("pk", flat=True)
    )
    represented = set(Organization.objects.represented_by(user).values_list("pk", flat=True))
    signs_for = {}  # partnership id -> organizations this user signs for there
    for partnership_id, organization_id in Member.objects.filter(
        partnership__in=by_pk, role=Member.Role.SIGNATORY, organization__in=represented
    ).values_list("partnership_id", "organization_id"):
        signs_for.setdefault(partnership_id, set()).add(organization_id)
    revisions = (
        PartnershipRevision.objects.filter(
            partnership__in=by_pk, status=PartnershipRevision.Status.OPEN
        )
        .defer("content")
        .prefetch_related("signatures")
        .order_by("partnership_id", "number")
    )
    waiting = []
    for revision in revisions:
        partnership = by_pk[revision.partnership_id]
        parties = set(signs_for.get(partnership.pk, set()))
        if partnership.municipality_id in coordinated:
            parties.add(None)
        signed = {s.organization_id for s in revision.signatures.all()}
        if parties - signed:
            waiting.append((partnership, revision))
    return waiting


def _rows_needing_attention(partnerships):
    """{partnership id: count} of action rows overdue (in each municipality's time zone)
    or blocked, read in one query."""
    by_pk = {p.pk: p for p in partnerships}
    rows = ActionItem.objects.filter(partnership__in=by_pk).needing_attention()
    todays = {}
    counts = Counter()
    for row in rows.only("partnership_id", "deadline", "ongoing", "status"):
        partnership = by_pk[row.partnership_id]
        if partnership.pk not in todays:
            todays[partnership.pk] = partnership.local_today()
        if row.is_blocked or row.is_overdue(todays[partnership.pk]):
            counts[partnership.pk] += 1
    return counts


def my_partnerships(request):
    """The partnerships I work on; revisions waiting for my signature and action rows
    overdue or blocked are due. Staff who have none are offered to start one."""
    user = request.user
    partnerships = list(member_partnerships(user).with_municipality())
    if not partnerships:
        if not may_start_partnership(user):
            return None
        return Panel("actionplans/panels/my_partnerships.html", {"may_start": True})
    due = [
        Due(
            _("Sign revision %(number)s of %(title)s")
            % {"number": revision.number, "title": partnership.title},
            reverse("actionplans:check", kwargs={"pk": partnership.pk}),
        )
        for partnership, revision in _waiting_for_me(user, partnerships)
    ]
    attention = _rows_needing_attention(partnerships)
    due += [
        Due(
            ngettext(
                "%(count)s action of %(title)s is overdue or blocked",
                "%(count)s actions of %(title)s are overdue or blocked",
                attention[p.pk],
            )
            % {"count": attention[p.pk], "title": p.title},
            reverse("actionplans:actions", kwargs={"pk": p.pk}),
        )
        for p in partnerships
        if attention[p.pk]
    ]
    return Panel(
        "actionplans/panels/my_partnerships.html",
        {"partnerships": partnerships, "attention": attention},
        due=due,
    )
