"""What the import commands share: finding the municipality and the account they are
given, and the report they print (a line per row, the counts, what was written)."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from orgs.imports import run_import
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


def import_and_report(stdout, table, **options):
    """Run the import (orgs.imports.run_import's options) and print its report."""
    write_report(stdout, run_import(table, **options))


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
