"""Big imports run by the task worker, with their progress on the import page."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import translation

from .imports import ProgressWriter, import_record
from .models import ImportRecord

logger = logging.getLogger(__name__)


def start_import(record, *, write: bool, table=None) -> None:
    """Check or import the record's file now, or, when it has more rows than a request
    should handle (settings.IMPORT_BACKGROUND_ROWS), queue it for the worker. `table`:
    the file already read (the upload), used when the work is done now."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if record.rows_total <= settings.IMPORT_BACKGROUND_ROWS:
        _run(record, write=write, language=language, table=table)
        return
    record_id = record.pk
    transaction.on_commit(
        lambda: import_in_background.enqueue(record_id, write=write, language=language)
    )


def import_confirm(*, record) -> bool:
    """Import a checked file: only once, however many clicks or tabs ask for it. False
    when the record is not (or no longer) waiting for confirmation."""
    claimed = ImportRecord.objects.filter(
        pk=record.pk, status=ImportRecord.Status.PREVIEWED
    ).update(status=ImportRecord.Status.IMPORTING, rows_done=0)
    if not claimed:
        return False
    record.refresh_from_db()
    start_import(record, write=True)
    return True


def import_reread(*, record, encoding: str, delimiter: str) -> None:
    """Check the file again, read with another encoding or separator (blank: as before)."""
    record.encoding = encoding or record.encoding
    record.delimiter = delimiter or record.delimiter
    record.status, record.rows_done = ImportRecord.Status.CHECKING, 0
    record.save(update_fields=["encoding", "delimiter", "status", "rows_done"])
    start_import(record, write=False)


@task()
def import_in_background(record_id: int, *, write: bool, language: str) -> None:
    record = ImportRecord.objects.select_related("created_by", "municipality").get(pk=record_id)
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
        # the import's transaction was rolled back.
        logger.exception("Import %s failed", record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.FAILED)
        raise
