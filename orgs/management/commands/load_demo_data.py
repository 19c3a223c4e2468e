from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from orgs.counts import directory_counts_refresh
from orgs.demo import demo_data_load


class Command(BaseCommand):
    help = (
        "Create or update the demo data: the five pilot municipalities with departments, "
        "sample organizations and one account per role (passwords in the README). "
        "Safe to run again. Refused unless DEBUG or DEMO_DATA_ALLOWED is on."
    )

    def handle(self, *args, **options):
        try:
            counts = demo_data_load()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        directory_counts_refresh()
        self.stdout.write(
            f"Demo data loaded: {counts.municipalities} municipalities, "
            f"{counts.departments} departments, {counts.organizations} organizations, "
            f"{counts.users} accounts."
        )
