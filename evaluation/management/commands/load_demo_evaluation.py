from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from evaluation.demo import demo_evaluation_load


class Command(BaseCommand):
    help = (
        "Add an evaluation to the demo partnership (two KPIs with approved, waiting and "
        "rejected measurements, three stages, a focus group), after load_demo_partnerships. "
        "Safe to run again: an existing one is left as it is. Refused unless DEBUG or "
        "DEMO_DATA_ALLOWED is on."
    )

    def handle(self, *args, **options):
        try:
            partnership, created = demo_evaluation_load()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        verb = "created" if created else "already there"
        self.stdout.write(f"Demo evaluation {verb}: {partnership.title} (2 KPIs).")
