"""Writes to partnerships: one function per action, each in one transaction.

The signing rule lives here (partnership_sign): a signature is given to the content the
signer checked, identified by its hash. If the draft has changed since, nothing is signed
(Conflict). The first signature of a content freezes it into a new revision, superseding
an open one of other content; the last required signature makes the revision signed.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap_portal.lib.history import content_hash
from roadmap_portal.lib.locking import Conflict, bump_version, lock_at_version

from .access import MUNICIPALITY_PARTY, signing_parties
from .content import partnership_content
from .models import (
    ActionItem,
    CommunicationItem,
    Partnership,
    PartnershipEvent,
    PartnershipRevision,
    Signature,
    calendar_key,
)


class NotSignable(Exception):
    """The partnership cannot be signed as it is; `reasons` say why, in the user's words."""

    def __init__(self, *reasons):
        super().__init__(*reasons)
        self.reasons = [str(reason) for reason in reasons]


def signing_problems(partnership) -> list[str]:
    """Why the partnership cannot be signed yet (empty when it can)."""
    problems = []
    if len(signing_parties(partnership)) < 2:
        problems.append(_("Add at least one partner organization as a signatory."))
    if not partnership.actions.exists():
        problems.append(_("Add at least one row to the action plan."))
    return problems


def _party_label(party, partnership) -> str:
    if party is MUNICIPALITY_PARTY:
        return _("Coordinator, %(municipality)s") % {"municipality": partnership.municipality.name}
    return _("Representative, %(organization)s") % {"organization": party.name}


@transaction.atomic
def partnership_sign(*, partnership, party, signer, checked_hash: str) -> Signature:
    """`signer` signs for `party` (MUNICIPALITY_PARTY or a signatory organization; the
    caller checked through actionplans.access.parties_of that they may) the content whose
    hash they checked. Conflict when the draft is no longer that content; NotSignable when
    it cannot be signed. Returns the signature; its revision says whether it is signed."""
    # One signer at a time per partnership: two first signatures make one revision.
    locked = Partnership.objects.select_for_update().select_related("municipality")
    partnership = locked.get(pk=partnership.pk)
    content = partnership_content(partnership)
    if content_hash(content) != checked_hash:
        raise Conflict(current=partnership)
    problems = signing_problems(partnership)
    if problems:
        raise NotSignable(*problems)
    revision = (
        partnership.revisions.filter(content_hash=checked_hash)
        .exclude(status=PartnershipRevision.Status.SUPERSEDED)
        .first()
    )
    if revision is None:
        partnership.revisions.filter(status=PartnershipRevision.Status.OPEN).update(
            status=PartnershipRevision.Status.SUPERSEDED
        )
        latest = partnership.revisions.order_by("-number").values_list("number", flat=True)
        revision = PartnershipRevision(
            partnership=partnership,
            number=(latest.first() or 0) + 1,
            content=content,
            created_by=signer,
        ).freeze()
        revision.save()
    organization = None if party is MUNICIPALITY_PARTY else party
    signature = revision.signatures.filter(organization=organization).first()
    if signature is None:
        signature = Signature.objects.create(
            revision=revision,
            organization=organization,
            signer=signer,
            signer_name=str(signer),
            signer_role=_party_label(party, partnership),
            content_hash=revision.content_hash,
        )
        PartnershipEvent.objects.create(
            partnership=partnership,
            kind=PartnershipEvent.Kind.SIGNED,
            actor=signer,
            revision=revision,
        )
    if revision.status == PartnershipRevision.Status.OPEN and _all_signed(revision, partnership):
        revision_signed(revision=revision, actor=signer)
    return signature


def _all_signed(revision, partnership) -> bool:
    signed = {
        signature.organization_id
        for signature in revision.signatures.all()
        if signature.content_hash == revision.content_hash
    }
    required = {None if party is None else party.pk for party in signing_parties(partnership)}
    return required <= signed


def revision_signed(*, revision, actor):
    """Every party has signed: the revision is signed, an open partnership is active, and
    its PDF is made (once, by the task worker)."""
    revision.status, revision.signed_at = PartnershipRevision.Status.SIGNED, timezone.now()
    revision.save(update_fields=["status", "signed_at"])
    partnership = revision.partnership
    if partnership.status == Partnership.Status.DRAFT:
        partnership.status = Partnership.Status.ACTIVE
        partnership.save(update_fields=["status", "updated_at"])
    PartnershipEvent.objects.create(
        partnership=partnership,
        kind=PartnershipEvent.Kind.REVISION_SIGNED,
        actor=actor,
        revision=revision,
    )


# --- The action plan and the communication plan (part B) --------------------------------


@dataclass(frozen=True)
class PlanSaved:
    """What one save of a plan did, in rows."""

    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.moved or self.removed)


ACTION_VALUES = (
    "activity",
    "responsible_user_id",
    "responsible_name",
    "responsible_member_id",
    "goals",
    "starts_on",
    "deadline",
    "ongoing",
    "status",
    "blocked_reason",
    "depends_on_id",
)
COMMUNICATION_VALUES = (
    "subject",
    "audience",
    "sender",
    "channel",
    "frequency",
    "format",
    "escalation",
)


def _plan_save(*, partnership, rows, version, actor, model, names, version_field, kind):
    """Save a plan's rows as a whole list, in order: rows with the id of a saved row
    update it, rows without one are new, saved rows not among them are removed. A fixed
    number of queries however many rows. Conflict when the plan's version is not the one
    the editor loaded."""
    locked = lock_at_version(
        Partnership.objects.all(), pk=partnership.pk, version=version, field=version_field
    )
    saved = {row.pk: row for row in model.objects.filter(partnership=locked)}
    kept_ids = {row["id"] for row in rows if row["id"] is not None}
    if not kept_ids <= saved.keys():
        # The form only keeps ids of the rows saved at `version`: another plan's or a
        # stale id never gets here, and is not written.
        raise Conflict(current=locked)
    changed, new, counts = [], [], {"added": 0, "changed": 0, "moved": 0}
    for position, values in enumerate(rows):
        fields = {name: values[name] for name in names}
        if values["id"] is None:
            new.append(model(partnership=locked, position=position, **fields))
            counts["added"] += 1
            continue
        row = saved[values["id"]]
        edited = any(getattr(row, name) != value for name, value in fields.items())
        moved = row.position != position
        if edited or moved:
            for name, value in fields.items():
                setattr(row, name, value)
            row.position = position
            changed.append(row)
            counts["changed" if edited else "moved"] += 1
    removed = saved.keys() - kept_ids
    result = PlanSaved(removed=len(removed), **counts)
    if not result.anything:
        return result
    if removed:
        model.objects.filter(pk__in=removed).delete()
    if changed:
        model.objects.bulk_update(changed, [*names, "position"])
    if new:
        model.objects.bulk_create(new)
    bump_version(locked, field=version_field)
    Partnership.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    PartnershipEvent.objects.create(
        partnership=locked,
        kind=kind,
        actor=actor,
        fields={
            "added": result.added,
            "changed": result.changed,
            "moved": result.moved,
            "removed": result.removed,
        },
    )
    setattr(partnership, version_field, getattr(locked, version_field))
    return result


@transaction.atomic
def action_plan_save(*, partnership, rows: list[dict], version: int, actor) -> PlanSaved:
    """Save the action plan as `rows` (ActionFormSet.plan_rows(): each {"id": saved row or
    None, **ACTION_VALUES}), in their order, if it is still at `version` (Conflict when
    someone saved it since). Records what changed (PartnershipEvent ACTIONS_SAVED)."""
    return _plan_save(
        partnership=partnership,
        rows=rows,
        version=version,
        actor=actor,
        model=ActionItem,
        names=ACTION_VALUES,
        version_field="actions_version",
        kind=PartnershipEvent.Kind.ACTIONS_SAVED,
    )


@transaction.atomic
def communication_plan_save(*, partnership, rows: list[dict], version: int, actor) -> PlanSaved:
    """As action_plan_save, for the communication plan (COMMUNICATIONS_SAVED)."""
    return _plan_save(
        partnership=partnership,
        rows=rows,
        version=version,
        actor=actor,
        model=CommunicationItem,
        names=COMMUNICATION_VALUES,
        version_field="communications_version",
        kind=PartnershipEvent.Kind.COMMUNICATIONS_SAVED,
    )


@transaction.atomic
def calendar_reset(*, partnership, actor) -> str:
    """A new secret for the partnership's calendar feed: the old address stops working."""
    partnership.calendar_key = calendar_key()
    partnership.save(update_fields=["calendar_key", "updated_at"])
    PartnershipEvent.objects.create(
        partnership=partnership, kind=PartnershipEvent.Kind.CALENDAR_RESET, actor=actor
    )
    return partnership.calendar_key
