"""Every write of the evaluation: planning it (stages, KPIs), measuring (a measurement
entered for one party, decided by another), evidence, reminders.

Views call these after the access helpers have said who may; each service checks again
what depends on the row as it is in the database now (a measurement decided a moment ago
is not decided twice), inside its transaction.
"""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.models import Partnership
from roadmap_portal.lib.background_pdf import background_pdf_request
from roadmap_portal.lib.email import email_address
from roadmap_portal.lib.history import canonical_json, diff, snapshot
from roadmap_portal.lib.locking import Conflict, bump_version, lock_at_version

from . import reminders
from .access import acts_for_entering_party, parties_of, party_key
from .models import (
    MAX_EVIDENCE,
    MAX_KPIS,
    MAX_MEASUREMENTS_PER_KPI,
    MAX_STAGES,
    EvaluationEvent,
    EvaluationReportPdf,
    EvaluationStage,
    Evidence,
    EvidenceFile,
    Kpi,
    Measurement,
    ReminderSent,
)
from .tasks import evaluation_report_pdf_make


class EvaluationError(Exception):
    """A write refused for a reason the user reads (in their language)."""


def event_record(*, partnership, kind, actor, subject="", fields=None):
    return EvaluationEvent.objects.create(
        partnership=partnership, kind=kind, actor=actor, subject=subject[:200], fields=fields or {}
    )


def _changes(before, after):
    """What changed, as JSON holds it (dates and decimals as text)."""
    return json.loads(canonical_json(diff(before, after)))


def _lock_partnership(partnership):
    """The partnership's row, locked: two requests adding the last allowed row are one
    after the other, so the limit holds."""
    return Partnership.objects.select_for_update().only("pk").get(pk=partnership.pk)


def _places(value) -> int:
    """How many decimal places a stored number really has (40.5000 has one)."""
    return max(0, -value.normalize().as_tuple().exponent)


# --- KPIs ------------------------------------------------------------------------------


def _set_actions(kpi, action_ids):
    """Link the KPI to these action rows, of its own partnership only (an id of another
    partnership's row is left out, whatever the form let through)."""
    kpi.actions.set(kpi.partnership.actions.filter(pk__in=action_ids))


@transaction.atomic
def kpi_create(*, partnership, values: dict, actor) -> Kpi:
    """A new KPI of `partnership`, last in its order; EvaluationError once it has MAX_KPIS."""
    _lock_partnership(partnership)
    existing = partnership.kpis.aggregate(last=Max("position"), count=Count("pk"))
    if existing["count"] >= MAX_KPIS:
        raise EvaluationError(
            _("A partnership has at most %(count)s KPIs: remove one before adding another.")
            % {"count": MAX_KPIS}
        )
    kpi = Kpi(partnership=partnership, position=(existing["last"] or 0) + 1)
    for name, value in values.items():
        if name != "actions":
            setattr(kpi, name, value)
    kpi.save()
    _set_actions(kpi, values.get("actions", []))
    event_record(
        partnership=partnership,
        kind=EvaluationEvent.Kind.KPI_SAVED,
        actor=actor,
        subject=kpi.name,
        fields={"kpi": kpi.pk, **_changes({}, snapshot(kpi, Kpi.EDITABLE_FIELDS))},
    )
    return kpi


@transaction.atomic
def kpi_save(*, kpi, values: dict, version: int, actor) -> Kpi:
    """Save a KPI's definition if nobody saved it since `version` was loaded (Conflict
    otherwise, with the KPI as saved now); record what changed."""
    locked = lock_at_version(
        Kpi.objects.filter(partnership=kpi.partnership_id), pk=kpi.pk, version=version
    )
    locked.partnership = kpi.partnership
    before = snapshot(locked, Kpi.EDITABLE_FIELDS)
    approved = locked.measurements.filter(status=Measurement.Status.APPROVED)
    if approved.exists() and any(
        name in values and values[name] != getattr(locked, name) for name in Kpi.FIXED_ONCE_MEASURED
    ):
        raise EvaluationError(
            _(
                "Measurements of this KPI are approved: its direction, how measurements"
                " add up and its baseline stay as they are."
            )
        )
    if (
        "decimals" in values
        and values["decimals"] < locked.decimals
        and any(
            _places(value) > values["decimals"]
            for value in locked.measurements.values_list("value", flat=True)
        )
    ):
        raise EvaluationError(
            _("Some measurements have more decimal places: keep at least as many.")
        )
    fields = [name for name in values if name != "actions"]
    for name in fields:
        setattr(locked, name, values[name])
    locked.save(update_fields=[*fields, "updated_at"])
    if "actions" in values:
        _set_actions(locked, values["actions"])
    changed = _changes(before, snapshot(locked, Kpi.EDITABLE_FIELDS))
    if changed:
        bump_version(locked)
        event_record(
            partnership=kpi.partnership,
            kind=EvaluationEvent.Kind.KPI_SAVED,
            actor=actor,
            subject=locked.name,
            fields={"kpi": locked.pk, **changed},
        )
    return locked


@transaction.atomic
def kpi_delete(*, kpi, actor) -> None:
    """Remove a KPI with its measurements waiting or rejected; EvaluationError while any
    is approved (what both sides agreed on is not lost by one of them)."""
    locked = Kpi.objects.select_for_update().filter(pk=kpi.pk).first()
    if locked is None:
        return  # removed already, by someone else
    approved = locked.measurements.filter(status=Measurement.Status.APPROVED).count()
    if approved:
        raise EvaluationError(
            _(
                "This KPI has approved measurements (%(count)s): it cannot be removed. "
                "Change its definition instead."
            )
            % {"count": approved}
        )
    measurements = locked.measurements.count()
    locked.delete()
    event_record(
        partnership=kpi.partnership,
        kind=EvaluationEvent.Kind.KPI_DELETED,
        actor=actor,
        subject=kpi.name,
        fields={"kpi": kpi.pk, "measurements": measurements},
    )


# --- Measurements ----------------------------------------------------------------------


@transaction.atomic
def measurement_enter(*, kpi, party, actor, **values) -> Measurement:
    """A new measurement of `kpi`, entered by `actor` for `party` (MUNICIPALITY_PARTY or a
    partner organization they represent), waiting for another party's approval;
    EvaluationError once the KPI has MAX_MEASUREMENTS_PER_KPI."""
    # The KPI's row, locked: two measurements entered at once are counted one after the other.
    Kpi.objects.select_for_update().filter(pk=kpi.pk).first()
    if Measurement.objects.filter(kpi=kpi).count() >= MAX_MEASUREMENTS_PER_KPI:
        raise EvaluationError(
            _("A KPI has at most %(count)s measurements: no more can be entered.")
            % {"count": MAX_MEASUREMENTS_PER_KPI}
        )
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
    if (
        current.entered_by_id == actor.pk
        or current.entered_for_id == party_key(party)
        or acts_for_entering_party(parties_of(actor, measurement.kpi.partnership), current)
    ):
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


@transaction.atomic
def measurement_change(*, measurement, version: int, values: dict, actor) -> Measurement:
    """Change a measurement still waiting for approval, at the version the editor loaded
    (Conflict if it changed since); EvaluationError if it was decided meanwhile. Who may
    (a member of the party it was entered for) is the access helper's question."""
    current = lock_at_version(Measurement.objects.all(), pk=measurement.pk, version=version)
    if not current.is_pending:
        raise EvaluationError(_("This measurement was decided meanwhile: it cannot be changed."))
    before = snapshot(current, Measurement.EDITABLE_FIELDS)
    fields = [name for name in Measurement.EDITABLE_FIELDS if name in values]
    for name in fields:
        setattr(current, name, values[name])
    current.save(update_fields=fields)
    changed = _changes(before, snapshot(current, Measurement.EDITABLE_FIELDS))
    if changed:
        bump_version(current)
        event_record(
            partnership=measurement.kpi.partnership,
            kind=EvaluationEvent.Kind.MEASUREMENT_CHANGED,
            actor=actor,
            subject=measurement.kpi.name,
            fields={"measurement": current.pk, **changed},
        )
    return current


@transaction.atomic
def measurement_withdraw(*, measurement, actor) -> None:
    """Remove a measurement still waiting for approval; EvaluationError if it was
    decided meanwhile. Who may is the access helper's question, as for a change."""
    current = Measurement.objects.select_for_update().filter(pk=measurement.pk).first()
    if current is None:
        return  # withdrawn already
    if not current.is_pending:
        raise EvaluationError(_("This measurement was decided meanwhile: it cannot be withdrawn."))
    current.delete()
    event_record(
        partnership=measurement.kpi.partnership,
        kind=EvaluationEvent.Kind.MEASUREMENT_WITHDRAWN,
        actor=actor,
        subject=measurement.kpi.name,
        fields={
            "measurement": measurement.pk,
            "value": str(measurement.value),
            "measured_on": measurement.measured_on.isoformat(),
        },
    )


# --- Stages ----------------------------------------------------------------------------


def _column_values(model, values: dict) -> dict:
    """`values` with foreign keys as their columns (responsible_user -> responsible_user_id)."""
    return {name: value for name, value in values.items() if name in _editable_columns(model)}


def _editable_columns(model):
    columns = set()
    for name in model.EDITABLE_FIELDS:
        field = model._meta.get_field(name)
        columns.add(field.attname if field.is_relation else name)
    return columns


@transaction.atomic
def stage_create(*, partnership, values: dict, actor) -> EvaluationStage:
    """A new evaluation stage of `partnership` (at most MAX_STAGES). `values` holds
    EvaluationStage.EDITABLE_FIELDS, foreign keys as ids (responsible_user_id), which the
    form chose among this partnership's people and partners."""
    _lock_partnership(partnership)
    if partnership.evaluation_stages.count() >= MAX_STAGES:
        raise EvaluationError(
            _("A partnership has at most %(count)s evaluation stages.") % {"count": MAX_STAGES}
        )
    stage = EvaluationStage.objects.create(
        partnership=partnership, **_column_values(EvaluationStage, values)
    )
    event_record(
        partnership=partnership,
        kind=EvaluationEvent.Kind.STAGE_SAVED,
        actor=actor,
        subject=stage.name,
        fields={"stage": stage.pk, "created": True},
    )
    return stage


@transaction.atomic
def stage_save(*, stage, values: dict, version: int, actor) -> EvaluationStage:
    """Save a stage if nobody saved it since `version` was loaded (Conflict otherwise,
    with the stage as saved now); record what changed. DoesNotExist if it was removed."""
    locked = lock_at_version(
        EvaluationStage.objects.filter(partnership=stage.partnership_id),
        pk=stage.pk,
        version=version,
    )
    before = snapshot(locked, EvaluationStage.EDITABLE_FIELDS)
    columns = _column_values(EvaluationStage, values)
    for name, value in columns.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*columns, "updated_at"])
    changed = _changes(before, snapshot(locked, EvaluationStage.EDITABLE_FIELDS))
    if changed:
        bump_version(locked)
        event_record(
            partnership=stage.partnership,
            kind=EvaluationEvent.Kind.STAGE_SAVED,
            actor=actor,
            subject=locked.name,
            fields={"stage": locked.pk, "changed": changed},
        )
    return locked


@transaction.atomic
def stage_delete(*, stage, actor) -> None:
    """Remove a stage; its evidence stays, belonging to no stage."""
    partnership = stage.partnership
    deleted, _counts = EvaluationStage.objects.filter(pk=stage.pk, partnership=partnership).delete()
    if deleted:
        event_record(
            partnership=partnership,
            kind=EvaluationEvent.Kind.STAGE_DELETED,
            actor=actor,
            subject=stage.name,
            fields={"stage": stage.pk},
        )


# --- Evidence --------------------------------------------------------------------------

KEEP, REPLACE, REMOVE = "keep", "replace", "remove"


def _file_store(evidence, upload) -> EvidenceFile:
    """`upload` (a roadmap_portal.lib.uploads.CheckedUpload) as the evidence's file, in
    place of the one it had."""
    EvidenceFile.objects.filter(evidence=evidence).delete()
    return EvidenceFile.objects.create(
        evidence=evidence,
        name=upload.name,
        content_type=upload.kind.content_type,
        size=upload.size,
        sha256=upload.sha256,
        content=upload.content,
    )


@transaction.atomic
def evidence_create(*, partnership, values: dict, upload=None, actor) -> Evidence:
    """New evidence of `partnership` (at most MAX_EVIDENCE), with the checked `upload` as
    its file if there is one. `values` holds Evidence.EDITABLE_FIELDS, the stage as
    stage_id (one of this partnership's)."""
    _lock_partnership(partnership)
    if partnership.evidence.count() >= MAX_EVIDENCE:
        raise EvaluationError(
            _("A partnership has at most %(count)s pieces of evidence.") % {"count": MAX_EVIDENCE}
        )
    evidence = Evidence.objects.create(
        partnership=partnership, added_by=actor, **_column_values(Evidence, values)
    )
    fields = {"evidence": evidence.pk, "created": True}
    if upload is not None:
        _file_store(evidence, upload)
        fields["file"] = upload.name
    event_record(
        partnership=partnership,
        kind=EvaluationEvent.Kind.EVIDENCE_SAVED,
        actor=actor,
        subject=evidence.title,
        fields=fields,
    )
    return evidence


@transaction.atomic
def evidence_save(
    *, evidence, values: dict, version: int, file_action=KEEP, upload=None, actor
) -> Evidence:
    """Save evidence if nobody saved it since `version` was loaded (Conflict otherwise);
    keep its file, replace it with the checked `upload` (REPLACE) or remove it (REMOVE)."""
    locked = lock_at_version(
        Evidence.objects.filter(partnership=evidence.partnership_id),
        pk=evidence.pk,
        version=version,
    )
    before = snapshot(locked, Evidence.EDITABLE_FIELDS)
    columns = _column_values(Evidence, values)
    for name, value in columns.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*columns, "updated_at"])
    changed = _changes(before, snapshot(locked, Evidence.EDITABLE_FIELDS))
    if file_action == REPLACE and upload is not None:
        _file_store(locked, upload)
        changed["file"] = upload.name
    elif file_action == REMOVE:
        deleted, _counts = EvidenceFile.objects.filter(evidence=locked).delete()
        if deleted:
            changed["file"] = None
    if changed:
        bump_version(locked)
        event_record(
            partnership=evidence.partnership,
            kind=EvaluationEvent.Kind.EVIDENCE_SAVED,
            actor=actor,
            subject=locked.title,
            fields={"evidence": locked.pk, "changed": changed},
        )
    return locked


@transaction.atomic
def evidence_delete(*, evidence, actor) -> None:
    """Remove evidence and its file."""
    partnership = evidence.partnership
    deleted, _counts = Evidence.objects.filter(pk=evidence.pk, partnership=partnership).delete()
    if deleted:
        event_record(
            partnership=partnership,
            kind=EvaluationEvent.Kind.EVIDENCE_DELETED,
            actor=actor,
            subject=evidence.title,
            fields={"evidence": evidence.pk},
        )


# --- Reminders -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    """What one run sent (or, dry, would send): each e-mail, and how many items in all."""

    reminders: list
    dry_run: bool

    @property
    def items(self) -> int:
        return sum(len(reminder.items) for reminder in self.reminders)


# The key of the PostgreSQL advisory lock one run of the reminders holds.
REMINDERS_LOCK = 0x5E7D_0012


def _one_run_at_a_time():
    """Wait for any other run of the reminders to commit (cron and a manual run, or two
    hosts): it is held until this transaction ends, so the next run reads what the first
    recorded in ReminderSent and does not send it again. PostgreSQL: an advisory lock;
    SQLite: its database write lock (which transaction_mode IMMEDIATE takes at BEGIN
    already; an empty write takes it on a database opened without)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REMINDERS_LOCK])
        else:
            table = connection.ops.quote_name(ReminderSent._meta.db_table)
            cursor.execute(f"UPDATE {table} SET sent_at = sent_at WHERE 1 = 0")  # noqa: S608


@transaction.atomic
def reminders_send(*, dry_run=False, now=None) -> ReminderRun:
    """E-mail each address once, listing every item due for it (evaluation/reminders.py
    says who gets what) that was not in a reminder to it within the last week (an hour's
    margin: reminders.REMIND_AGAIN_AFTER); record what was sent. Runs one at a time: the
    lock, the reading, the sending (queued when the transaction commits) and the record
    are one transaction. A dry run sends and records nothing."""
    _one_run_at_a_time()
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


__all__ = [
    "Conflict",
    "EvaluationError",
    "evidence_create",
    "evidence_delete",
    "evidence_save",
    "kpi_create",
    "kpi_delete",
    "kpi_save",
    "measurement_change",
    "measurement_enter",
    "measurement_review",
    "measurement_withdraw",
    "reminders_send",
    "stage_create",
    "stage_delete",
    "stage_save",
]


@transaction.atomic
def report_pdf_request(*, partnership, actor, document) -> EvaluationReportPdf:
    """Ask the task worker for the PDF of a large evaluation report (`document`, an
    evaluation.report.ReportPrint), unless it is being made or made of the same content.
    Only the newest PDF per partnership and language is kept."""
    return background_pdf_request(
        pdfs=EvaluationReportPdf.objects.filter(
            partnership=partnership, language=document.language
        ),
        lock=Partnership.objects.filter(pk=partnership.pk),
        fingerprint=document.fingerprint,
        create=lambda: EvaluationReportPdf.objects.create(
            partnership=partnership, language=document.language, requested_by=actor
        ),
        task=evaluation_report_pdf_make,
    )
