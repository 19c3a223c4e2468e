"""The demo partnership: Talsu novads with Biedrība „Brīnumiņš”, for trying the plans and
their sign-off with the demo accounts (README.md). Loaded after orgs' demo data."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from orgs.models import Municipality, Organization

from .models import ActionItem, CommunicationItem, Member, Partnership
from .services import partnership_members_save, partnership_start

TITLE = "Atelpas brīži ģimenēm ar bērniem ar invaliditāti"
SHARED_RESULT = (
    "Ģimenes, kuru bērniem ir invaliditāte, divreiz mēnesī saņem atelpas brīdi: bērni pavada"
    " dienu Brīnumiņa telpās ar apmācītiem aprūpētājiem."
)
ACTIONS = [
    ("Vienoties par telpām un to aprīkojumu", "Telpas ir pielāgotas", 30, "in_progress"),
    ("Apmācīt četrus aprūpētājus", "Četri apmācīti aprūpētāji", 60, "not_started"),
    ("Uzrunāt ģimenes caur sociālo dienestu", "20 ģimenes pieteikušās", 75, "not_started"),
    ("Pirmais atelpas brīdis", "Pirmais brīdis notiek", 90, "not_started"),
]
COMMUNICATIONS = [
    ("Plāna gaita", "Partneri", "Koordinatore", "E-pasts", "Reizi mēnesī", "Īss pārskats"),
    ("Pieteikšanās atelpas brīžiem", "Ģimenes", "Sociālais dienests", "Tālrunis", "Pastāvīgi", ""),
]


@transaction.atomic
def demo_partnership_load() -> tuple[Partnership, bool]:
    """The demo partnership and whether it was made now: made once (found again by its
    title), never changed afterwards. Refused unless settings.DEMO_DATA_ALLOWED."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo data is refused here (DEMO_DATA_ALLOWED is off).")
    talsi = Municipality.objects.filter(slug="talsi").first()
    brinumins = Organization.objects.filter(slug="brinumins").first()
    if talsi is None or brinumins is None:
        raise ImproperlyConfigured("Load the demo data first (manage.py load_demo_data).")
    existing = Partnership.objects.filter(municipality=talsi, title=TITLE).first()
    if existing is not None:
        return existing, False
    staff = get_user_model().objects.filter(email__iexact="staff.talsi@example.org").first()
    partnership = partnership_start(
        municipality=talsi, title=TITLE, shared_result=SHARED_RESULT, actor=staff
    )
    partnership_members_save(
        partnership=partnership,
        rows=[
            {"role": Member.Role.LEAD_MUNICIPALITY, "contact_name": "Ilze Kalniņa"},
            {"role": Member.Role.LEAD_ORGANIZATION, "organization": brinumins},
            {"role": Member.Role.SIGNATORY, "organization": brinumins},
        ],
        version=partnership.members_version,
        actor=staff,
    )
    start = datetime.date.today()
    ActionItem.objects.bulk_create(
        ActionItem(
            partnership=partnership,
            position=position,
            activity=activity,
            goals=goals,
            responsible_name="Ilze Kalniņa" if position % 2 else "Brīnumiņa valde",
            starts_on=start,
            deadline=start + datetime.timedelta(days=days),
            status=status,
        )
        for position, (activity, goals, days, status) in enumerate(ACTIONS)
    )
    CommunicationItem.objects.bulk_create(
        CommunicationItem(
            partnership=partnership,
            position=position,
            subject=subject,
            audience=audience,
            sender=sender,
            channel=channel,
            frequency=frequency,
            format=format_,
        )
        for position, (subject, audience, sender, channel, frequency, format_) in enumerate(
            COMMUNICATIONS
        )
    )
    return partnership, True
