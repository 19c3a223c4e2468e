from django.conf import settings
from django.core.management.base import BaseCommand

from orgs.services import confirmation_requests_send


class Command(BaseCommand):
    help = (
        "E-mail the representatives of every published entry that nobody confirmed for 12 "
        "months a link to a page where one button confirms it is still correct. An entry is "
        "asked at most once a month. Run it daily (cron or a scheduler)."
    )

    def handle(self, *args, **options):
        sent = confirmation_requests_send(base_url=settings.PORTAL_URL)
        self.stdout.write(f"Confirmation requests queued: {sent} e-mails.")
