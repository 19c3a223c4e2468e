from django.core.management.base import BaseCommand

from evaluation.services import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail reminders of action rows and evaluation stages due within 7 days or overdue "
        "(not done, not cancelled) to the person responsible (a row with only a name: its "
        "partner's contact, or else the partnership's lead), and of measurements waiting "
        "for approval to those who may decide them. One e-mail per address, each item at "
        "most once a week; 'today' is each municipality's date. Run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        run = reminders_send(dry_run=dry_run)
        for reminder in run.reminders if dry_run else ():
            self.stdout.write(f"{reminder.address} ({reminder.language}):")
            for item in reminder.items:
                self.stdout.write(f"  {item.partnership.title}: {item.key} {item.name}")
        verb = "would be sent" if dry_run else "queued"
        self.stdout.write(f"Reminders {verb}: {len(run.reminders)} e-mails, {run.items} items.")
