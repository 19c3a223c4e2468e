from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.hsds_write import write_package
from orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Write the published directory as an Open Referral HSDS 3.0 package: a zip of CSV "
        "files with its datapackage.json. Public fields only; a contact person only with "
        "their consent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the zip to write, for example organizations-hsds.zip")

    def handle(self, *args, path, **options):
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"No folder {target.parent}")
        with target.open("wb") as handle:
            counts = write_package(Organization.objects.published(), handle)
        summary = ", ".join(f"{table}: {count}" for table, count in counts.items())
        self.stdout.write(f"Wrote {target} ({summary})")
