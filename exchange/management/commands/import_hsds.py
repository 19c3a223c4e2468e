from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.hsds_read import read_package
from exchange.management.importing import (
    account_by_email,
    import_and_report,
    municipality_by_slug,
)
from exchange.readers import ImportFileError


class Command(BaseCommand):
    help = (
        "Import organizations from an Open Referral HSDS package (3.0 or 1.1; a folder of "
        "CSV files or a zip of them) into one municipality, as import_organizations does: "
        "a report line per organization, then what the package's files lack (notes); "
        "nothing written with --dry-run; with --all-or-nothing one refused row means nothing "
        "is written. A written import is kept as an import record (the file's name and "
        "checksum, not its content) that the entries' history names, and the counts are "
        "what the database holds afterwards. Exits with status 1 when a row was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the package: a folder or a .zip")
        # HSDS names no municipality: the import needs one for every row.
        parser.add_argument(
            "--municipality", required=True, help="slug of the organizations' municipality"
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--all-or-nothing", action="store_true")
        parser.add_argument("--as-user", help="e-mail of the account the changes are recorded for")

    def handle(self, *args, path, municipality, dry_run, all_or_nothing, as_user, **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"No file or folder {path}")
        default = municipality_by_slug(municipality)
        actor = account_by_email(as_user) if as_user else None
        try:
            table = read_package(source)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        import_and_report(
            self.stdout,
            table,
            source=source,
            actor=actor,
            default_municipality=default,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
        )
