from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.management.importing import account_by_email, import_and_report, municipality_by_slug
from exchange.readers import ImportFileError
from exchange.services import read_upload


class Command(BaseCommand):
    help = (
        "Import organizations from a CSV, XLSX or ODS file, as the staff import page does: "
        "a report line per row; nothing written with --dry-run; with --all-or-nothing one "
        "refused row means nothing is written. A written import is kept as an import record "
        "(the file's name and checksum, not its content) that the entries' history names, "
        "and the counts are what the database holds afterwards. Exits with status 1 when a "
        "row was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--all-or-nothing", action="store_true")
        parser.add_argument(
            "--municipality", help="slug of the municipality of rows that name none"
        )
        parser.add_argument("--encoding", default="")
        parser.add_argument("--delimiter", default="")
        parser.add_argument("--as-user", help="e-mail of the account the changes are recorded for")

    def handle(
        self,
        *args,
        file,
        dry_run,
        all_or_nothing,
        municipality,
        encoding,
        delimiter,
        as_user,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}")
        default = municipality_by_slug(municipality) if municipality else None
        actor = account_by_email(as_user) if as_user else None
        try:
            table = read_upload(
                path.read_bytes(), path.name, encoding=encoding, delimiter=delimiter
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        import_and_report(
            self.stdout,
            table,
            source=path,
            actor=actor,
            default_municipality=default,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
        )
