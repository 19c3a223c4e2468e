"""Big imports run by the task worker, with their progress on the import page; runs
that stop making progress are given up on, and can be started again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone, translation

from .models import ImportRecord
from .services import ProgressWriter, import_record

logger = logging.getLogger(__name__)


def start_import(record, *, write: bool, table=None) -> None:
    """Check or import the record's file now, or, when it has more rows than a request
    should handle (settings.IMPORT_BACKGROUND_ROWS), queue it for the worker. `table`:
    the file already read (the upload), used when the work is done now."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if record.rows_total <= settings.IMPORT_BACKGROUND_ROWS:
        _run(record, write=write, language=language, table=table)
        return
    record_id, attempt = record.pk, record.attempt
    transaction.on_commit(
        lambda: import_in_background.enqueue(
            record_id, write=write, language=language, attempt=attempt
        )
    )


def _begin(record, *, from_status, to_status, **changes) -> bool:
    """Move the record to a new run (a new attempt, its heartbeat now), only from the
    status given: one run, however many clicks or tabs ask for it."""
    claimed = ImportRecord.objects.filter(pk=record.pk, status__in=from_status).update(
        status=to_status,
        rows_done=0,
        attempt=F("attempt") + 1,
        heartbeat_at=timezone.now(),
        stalled=False,
        **changes,
    )
    if claimed:
        record.refresh_from_db()
    return bool(claimed)


def import_confirm(*, record) -> bool:
    """Import a checked file: only once, however many clicks or tabs ask for it. False
    when the record is not (or no longer) waiting for confirmation."""
    Status = ImportRecord.Status
    if not _begin(record, from_status=[Status.PREVIEWED], to_status=Status.IMPORTING):
        return False
    start_import(record, write=True)
    return True


def import_reread(*, record, encoding: str, delimiter: str) -> bool:
    """Check the file again, read with another encoding or separator (blank: as before).
    False when the record is not waiting for confirmation."""
    Status = ImportRecord.Status
    if not _begin(
        record,
        from_status=[Status.PREVIEWED],
        to_status=Status.CHECKING,
        encoding=encoding or record.encoding,
        delimiter=delimiter or record.delimiter,
    ):
        return False
    start_import(record, write=False)
    return True


def import_retry(*, record) -> bool:
    """Start a failed check or import again from the same file: it is checked again (the
    directory may have changed meanwhile), then confirmed as usual. False when the record
    has not failed."""
    Status = ImportRecord.Status
    if not _begin(record, from_status=[Status.FAILED], to_status=Status.CHECKING):
        return False
    start_import(record, write=False)
    return True


def imports_fail_stalled(records=None) -> int:
    """Give up on the running checks and imports (of `records`, else all) that have shown
    no sign of progress for settings.IMPORT_STALLED_AFTER seconds: their worker died or
    their database connection dropped, and the transaction was rolled back. They are
    marked failed, and a new attempt number means the run, should it wake up, writes
    nothing. Called when an import's page or the list of imports is opened: one UPDATE,
    no scheduler needed. Returns how many were given up on."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_STALLED_AFTER)
    records = ImportRecord.objects.all() if records is None else records
    given_up = records.filter(status__in=ImportRecord.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    count = given_up.update(
        status=ImportRecord.Status.FAILED, stalled=True, attempt=F("attempt") + 1
    )
    if count:
        logger.warning("%s stalled import(s) marked failed", count)
    return count


@task()
def import_in_background(record_id: int, *, write: bool, language: str, attempt=None) -> None:
    record = ImportRecord.objects.select_related("created_by", "municipality").get(pk=record_id)
    if not record.is_running or (attempt is not None and record.attempt != attempt):
        logger.warning("Import %s: attempt %s was given up on before it ran", record_id, attempt)
        return
    # It runs: the heartbeat says so (in SQLite, the only one until it ends).
    ImportRecord.objects.filter(pk=record.pk, attempt=record.attempt).update(
        heartbeat_at=timezone.now()
    )
    progress = ProgressWriter(record)
    try:
        _run(record, write=write, language=language, progress=progress)
    finally:
        progress.close()


def _run(record, *, write, language, progress=None, table=None):
    try:
        import_record(record, write=write, language=language, progress=progress, table=table)
    except Exception:
        # The page must not wait for ever: it says the import failed. Nothing was written:
        # the import's transaction was rolled back. The file is kept to start it again.
        logger.exception("Import %s failed", record.pk)
        ImportRecord.objects.filter(
            pk=record.pk, attempt=record.attempt, status__in=ImportRecord.RUNNING
        ).update(status=ImportRecord.Status.FAILED)
        raise
