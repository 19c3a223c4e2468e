from django.core.management.base import BaseCommand

from orgs.counts import directory_counts_refresh


class Command(BaseCommand):
    help = (
        "Count the published organizations of every municipality for the home page, which "
        "never counts in a visitor's request. Run from cron every few minutes."
    )

    def handle(self, *args, **options):
        municipalities = directory_counts_refresh()
        self.stdout.write(
            f"Counted the published organizations of {municipalities} municipalities."
        )
