"""Every write of the evaluation: planning it (stages, KPIs), measuring (a measurement
entered for one party, decided by another), evidence, reminders.

Views call these after the access helpers have said who may; each service checks again
what depends on the row as it is in the database now (a measurement decided a moment ago
is not decided twice), inside its transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.access import MUNICIPALITY_PARTY
from roadmap_portal.lib.email import email_address
from roadmap_portal.lib.locking import Conflict, bump_version, lock_at_version

from . import reminders
from .access import party_key
from .models import EvaluationEvent, Measurement, ReminderSent


class EvaluationError(Exception):
    """A write refused for a reason the user reads (in their language)."""


def event_record(*, partnership, kind, actor, subject="", fields=None):
    return EvaluationEvent.objects.create(
        partnership=partnership, kind=kind, actor=actor, subject=subject[:200], fields=fields or {}
    )


# --- Measurements ----------------------------------------------------------------------


@transaction.atomic
def measurement_enter(*, kpi, party, actor, **values) -> Measurement:
    """A new measurement of `kpi`, entered by `actor` for `party` (MUNICIPALITY_PARTY or a
    partner organization they represent), waiting for another party's approval."""
    measurement = Measurement.objects.create(
        kpi=kpi,
        entered_for=None if party is MUNICIPALITY_PARTY else party,
        entered_by=actor,
        **{name: values[name] for name in Measurement.EDITABLE_FIELDS if name in values},
    )
    event_record(
        partnership=kpi.partnership,
        kind=EvaluationEvent.Kind.MEASURED,
        actor=actor,
        subject=kpi.name,
        fields={"measurement": measurement.pk, "value": str(measurement.value)},
    )
    return measurement


@transaction.atomic
def measurement_review(*, measurement, version, approve: bool, party, actor, note=""):
    """Approve or reject a measurement waiting for it, for `party` (which the access helper
    chose: not the party it was entered for), at the version the reviewer saw. Conflict if
    it changed since; EvaluationError if it was decided meanwhile, or a rejection gives no
    reason."""
    current = lock_at_version(Measurement.objects.all(), pk=measurement.pk, version=version)
    if not current.is_pending:
        raise EvaluationError(_("This measurement was decided already, by someone else."))
    if current.entered_by_id == actor.pk or current.entered_for_id == party_key(party):
        # The access helper refuses this; the row may have changed since it looked.
        raise EvaluationError(_("A member of another partner approves this measurement."))
    note = note.strip()
    if not approve and not note:
        raise EvaluationError(_("Say why you reject the measurement."))
    current.status = Measurement.Status.APPROVED if approve else Measurement.Status.REJECTED
    current.reviewed_for = None if party is MUNICIPALITY_PARTY else party
    current.reviewed_by = actor
    current.reviewed_at = timezone.now()
    current.review_note = note
    current.save(
        update_fields=["status", "reviewed_for", "reviewed_by", "reviewed_at", "review_note"]
    )
    bump_version(current)
    event_record(
        partnership=measurement.kpi.partnership,
        kind=EvaluationEvent.Kind.APPROVED if approve else EvaluationEvent.Kind.REJECTED,
        actor=actor,
        subject=measurement.kpi.name,
        fields={"measurement": current.pk, "value": str(current.value), "note": note},
    )
    return current


# --- Reminders -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    """What one run sent (or, dry, would send): each e-mail, and how many items in all."""

    reminders: list
    dry_run: bool

    @property
    def items(self) -> int:
        return sum(len(reminder.items) for reminder in self.reminders)


@transaction.atomic
def reminders_send(*, dry_run=False, now=None) -> ReminderRun:
    """E-mail each address once, listing every item due for it (evaluation/reminders.py
    says who gets what) that was not in a reminder to it within the last week; record what
    was sent. A dry run sends and records nothing."""
    now = now or timezone.now()
    due = reminders.due_reminders(now)
    recent = set(
        ReminderSent.objects.filter(
            address__in=[reminder.address for reminder in due],
            sent_at__gt=now - reminders.REMIND_AGAIN_AFTER,
        ).values_list("item", "address")
    )
    to_send = []
    for reminder in due:
        reminder.items = [i for i in reminder.items if (i.key, reminder.address) not in recent]
        if reminder.items:
            to_send.append(reminder)
    if dry_run:
        return ReminderRun(reminders=to_send, dry_run=True)
    for reminder in to_send:
        email_address(
            reminder.address,
            "evaluation_reminders",
            reminder.context(),
            language=reminder.language,
        )
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(item=item.key, address=reminder.address, sent_at=now)
            for reminder in to_send
            for item in reminder.items
        ],
        update_conflicts=True,
        unique_fields=["item", "address"],
        update_fields=["sent_at"],
    )
    return ReminderRun(reminders=to_send, dry_run=False)


__all__ = ["Conflict", "EvaluationError", "measurement_enter", "measurement_review"]
