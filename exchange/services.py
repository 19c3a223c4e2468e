"""Running an import: the uploaded file read (a spreadsheet or an Open Referral package),
checked (a dry run) or imported in one transaction, all or nothing on request, then
reported as the database holds it; and the progress of a run in the background."""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orgs.counts import directory_counts_changed
from orgs.models import OrganizationChange

from .hsds_read import read_package
from .models import ImportRecord
from .readers import (
    ImportFileError,
    Table,
    cell_text,
    kind_of,
    read_table,
    refuses_unreadable_files,
)
from .reports import STATUS, ImportReport, RowReport, row_messages
from .resource import OrganizationResource

logger = logging.getLogger(__name__)


def run_import(
    table: Table,
    *,
    actor,
    default_municipality=None,
    dry_run=True,
    all_or_nothing=False,
    progress=None,
    record=None,
    before_commit=None,
):
    """Import the rows; a dry run writes nothing. With all_or_nothing, one refused row
    means nothing is written. `progress(rows_done)` is called as rows are checked.

    `record` (an ImportRecord) marks the changes written, in the entries' history; the
    report then says what the database holds once the transaction is over, counted from
    those changes, not what the check expected. `before_commit()`, called last inside
    the transaction, may answer False to write nothing (a run that was given up on)."""
    resource = OrganizationResource(
        actor=actor,
        default_municipality=default_municipality,
        progress=progress,
        record=record,
    )
    report = None
    try:
        with transaction.atomic():
            result = resource.import_data(
                table.dataset, dry_run=dry_run, raise_errors=False, lock_entries=not dry_run
            )
            rows = []
            for number, row_result in enumerate(result.rows, 1):
                values = dict(zip(table.dataset.headers, table.dataset[number - 1], strict=False))
                rows.append(
                    RowReport(
                        number=number + 1,  # the spreadsheet's own row number, after the header
                        status=STATUS.get(row_result.import_type, "error"),
                        name=cell_text(values.get("name")),
                        messages=row_messages(row_result),
                        changes=resource.readable_changes(row_result),
                    )
                )
            counts = {}
            for row in rows:
                counts[row.status] = counts.get(row.status, 0) + 1
            report = ImportReport(
                rows=rows, counts=counts, written=not dry_run, notes=list(table.notes)
            )
            if result.base_errors:
                # The database refused a write that the checks let through (another import
                # at the same moment, say): the library rolled it all back.
                logger.error("Import failed", exc_info=result.base_errors[0].error)
                report.failed = True
                report.notes.append(
                    _("Nothing was written: the database refused the import. Try again.")
                )
            if (
                dry_run
                or result.has_errors()
                or (all_or_nothing and report.has_errors)
                # Every row refused or unchanged: nothing written, whatever the report says.
                or not (counts.get("new") or counts.get("updated"))
                or (before_commit is not None and not before_commit())
            ):
                report.written = False
                raise _RollBack
            directory_counts_changed()
    except _RollBack:
        pass
    if record is not None and not dry_run:
        _report_what_was_written(report, record)
    return report


WRITTEN_KINDS = {
    OrganizationChange.Kind.CREATED: "new",
    OrganizationChange.Kind.EDITED: "updated",
}


def _report_what_was_written(report, record):
    """After the transaction: the new and updated entries the database holds from this
    import, counted from the changes recorded for it. A report never claims rows that
    are not there."""
    held = dict.fromkeys(WRITTEN_KINDS.values(), 0)
    for kind, count in (
        OrganizationChange.objects.filter(import_record=record)
        .values_list("kind")
        .annotate(count=Count("id"))
    ):
        held[WRITTEN_KINDS.get(kind, kind)] = count
    expected = {key: report.counts.get(key, 0) if report.written else 0 for key in held}
    if held != expected:
        logger.error(
            "Import %s: expected %s written, the database holds %s", record.pk, expected, held
        )
        report.notes.append(
            _(
                "The check expected %(expected_new)s new and %(expected_updated)s updated "
                "entries; the database holds %(new)s new and %(updated)s updated ones from "
                "this import. The counts below are the database's."
            )
            % {
                "expected_new": expected["new"],
                "expected_updated": expected["updated"],
                "new": held["new"],
                "updated": held["updated"],
            }
        )
    for key, count in held.items():
        if count:
            report.counts[key] = count
        else:
            report.counts.pop(key, None)
    # Written means the database holds something of it: a file whose every row was
    # refused (or unchanged) wrote nothing, whatever the check expected.
    report.written = any(held.values())
    if any(expected.values()) and not report.written:
        report.failed = True  # the write was lost: the file is kept to start it again


class _RollBack(Exception):
    pass


@refuses_unreadable_files
def read_upload(content: bytes, filename: str, *, encoding="", delimiter="") -> Table:
    """A spreadsheet, or an Open Referral package (a zip that holds organizations.csv)."""
    if kind_of(content, filename) == "hsds":
        return read_package(content)
    return read_table(content, filename, encoding=encoding, delimiter=delimiter)


def read_record(record) -> Table:
    return read_upload(
        bytes(record.content), record.filename, encoding=record.encoding, delimiter=record.delimiter
    )


def import_record(record, *, write: bool, language: str, progress=None, table=None) -> None:
    """Check (a dry run) or import the file a record holds, and keep the report (its
    messages in `language`, the one of the page that started it) on the record. `table`:
    the file as the caller has just read it, so it is not read again.

    The run is the record's attempt as it was when it started: if the run was given up
    on meanwhile (no sign of progress for too long, exchange.tasks.imports_fail_stalled),
    it writes nothing, neither entries nor the record."""
    Status = ImportRecord.Status
    attempt = record.attempt
    running = Status.IMPORTING if write else Status.CHECKING
    this_attempt = ImportRecord.objects.filter(pk=record.pk, attempt=attempt, status=running)

    def still_wanted():
        # Inside the import's transaction: the row stays locked to the commit, so the
        # run cannot be given up on between this answer and the commit.
        return bool(this_attempt.update(heartbeat_at=timezone.now()))

    with translation.override(language):
        try:
            table = table or read_record(record)
        except ImportFileError as error:
            record.report = {"file_error": str(error)}
            record.status = Status.NOTHING_WRITTEN if write else Status.PREVIEWED
        else:
            report = run_import(
                table,
                actor=record.created_by,
                default_municipality=record.municipality,
                dry_run=not write,
                all_or_nothing=record.all_or_nothing,
                progress=progress,
                record=record,
                before_commit=still_wanted if write else None,
            )
            record.report = report.as_json() | {"unknown_headers": table.unknown_headers}
            record.counts = report.counts
            record.rows_done = record.rows_total = len(table.dataset)
            if not write:
                record.status = Status.PREVIEWED
            elif report.written:
                record.status = Status.IMPORTED
            elif report.failed:
                # The database refused the write: the file is kept to start it again.
                record.status = Status.FAILED
            else:
                # All or nothing with a refused row, or no row that writes anything.
                record.status = Status.NOTHING_WRITTEN
    if write and record.status != Status.FAILED:
        # The file held personal data (contact persons): once imported, its name, checksum
        # and report are the record; the content is not kept.
        record.content = b""
    saved = this_attempt.update(
        report=record.report,
        counts=record.counts,
        rows_done=record.rows_done,
        rows_total=record.rows_total,
        status=record.status,
        content=record.content,
        heartbeat_at=timezone.now(),
    )
    if not saved:
        logger.warning(
            "Import %s: attempt %s was given up on; its result is dropped", record.pk, attempt
        )


class ProgressWriter:
    """Writes a background import's rows done on a database connection of its own: the
    import's transaction stays open to the end, and the page must see progress before.
    PostgreSQL only (SQLite has one writer at a time): elsewhere the page shows no count.
    """

    EVERY = 250

    def __init__(self, record):
        self.record_id = record.pk
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, rows_done):
        if self.connection is None or rows_done % self.EVERY:
            return
        try:
            with self.connection.cursor() as cursor:
                # The heartbeat too: a run that stops writing it is given up on.
                cursor.execute(
                    "UPDATE orgs_importrecord SET rows_done = %s, heartbeat_at = NOW() "
                    "WHERE id = %s",
                    [rows_done, self.record_id],
                )
        except DatabaseError:
            # Progress is a courtesy to the page: it never fails a row or the import.
            logger.warning("Import %s: progress not written", self.record_id, exc_info=True)

    def close(self):
        if self.connection is not None:
            self.connection.close()
