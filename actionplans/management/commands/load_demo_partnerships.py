from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from actionplans.demo import demo_partnership_load


class Command(BaseCommand):
    help = (
        "Create the demo partnership of Talsu novads with Biedrība „Brīnumiņš” (a few action "
        "and communication rows, unsigned), after load_demo_data. Safe to run again: an "
        "existing one is left as it is. Refused unless DEBUG or DEMO_DATA_ALLOWED is on."
    )

    def handle(self, *args, **options):
        try:
            partnership, created = demo_partnership_load()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        verb = "created" if created else "already there"
        self.stdout.write(f"Demo partnership {verb}: {partnership.title} (1 partnership).")
