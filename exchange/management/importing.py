"""What the import commands share: finding the municipality and the account they are
given, and the report they print (a line per row, the counts, what was written)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import translation

from exchange.models import ImportRecord
from exchange.readers import checksum
from exchange.reports import ImportReport
from exchange.services import import_record, run_import
from orgs.models import Municipality


def municipality_by_slug(slug):
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        raise CommandError(f"No municipality {slug}")
    return municipality


def account_by_email(email):
    account = get_user_model().objects.filter(email__iexact=email).first()
    if account is None:
        raise CommandError(f"No account {email}")
    return account


def import_and_report(stdout, table, *, source, dry_run, **options):
    """Run the import (exchange.services.run_import's options) and print its report. A write
    is kept as an import record (`source`: the file or folder, by name and checksum,
    not its content) that the entries' history points to, and the report says what the
    database holds once it is over, as on the import page."""
    if dry_run:
        write_report(stdout, run_import(table, dry_run=True, **options))
        return
    record = ImportRecord.objects.create(
        created_by=options["actor"],
        municipality=options["default_municipality"],
        filename=source.name[:255],
        checksum=checksum(source.read_bytes()) if source.is_file() else "",
        content=b"",
        all_or_nothing=options["all_or_nothing"],
        status=ImportRecord.Status.IMPORTING,
        rows_total=len(table.dataset),
        from_command_line=True,
    )
    import_record(
        record,
        write=True,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        table=table,
    )
    record.refresh_from_db()
    write_report(stdout, ImportReport.from_json(record.report))


def write_report(stdout, report):
    """A line per row, the file's notes, the counts; exits with status 1 when a row was
    refused."""
    for row in report.rows:
        problems = "; ".join(row.messages)
        stdout.write(f"row {row.number}\t{row.status}\t{row.name}\t{problems}".rstrip())
    for note in report.notes:
        stdout.write(f"note\t{note}")
    summary = ", ".join(f"{key}: {count}" for key, count in report.counts.items())
    written = "written" if report.written else "nothing written"
    stdout.write(f"{summary} ({written})")
    if report.has_errors:
        raise CommandError("Some rows were refused.", returncode=1)
