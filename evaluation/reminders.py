"""Who is reminded of what, each day: action rows and evaluation stages due within a week
or overdue, and measurements waiting for approval (the service reminders_send sends).

- An action row or a stage goes to its responsible user while they are one of the
  partnership's people (an active account of its municipality's staff or of a partner
  organization's representatives: actionplans.access.partnership_people). A row whose
  responsible person is only a name, or whose user is deactivated or has left the
  partnership (they would get its title and a link that 404s for them), goes to the
  contact e-mail of its responsible partner; or else to the partnership's lead: the
  contact e-mail of its lead partner, or else the municipality's active coordinators.
- An e-mail is in its reader's language: an address that is an active user's is written in
  that user's language, whichever way its items came; any other contact e-mail in the
  language of the municipality's country.
- A measurement goes to everyone who may decide it: evaluation.access.measurements_to_review
  asked for each of the partnerships' people (the rule is there, not copied here).
- "Due" and "overdue" are measured against each partnership's municipality's date. The
  rows of completed and ended partnerships are left alone.

Everything is read in a fixed number of queries however many rows there are; the
measurements' deciders take one more query per DECIDERS_PER_QUERY people who may decide.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ActionItemQuerySet, Member, Partnership
from actionplans.pdf import language_of_country
from orgs.models import MunicipalityMembership, OrganizationMembership

from .access import measurements_to_review
from .models import DUE_WITHIN_DAYS, EvaluationStage, Measurement

# An item is in a reminder to one address at most once a week: it is sent again once this
# long has passed. An hour short of 7 days, so that a run a few seconds (or minutes)
# earlier in the day than last week's still sends it, on day 7 and not day 8.
REMIND_AGAIN_AFTER = timedelta(days=7) - timedelta(hours=1)
# The people measurements_to_review is asked for in one query (a UNION of theirs).
DECIDERS_PER_QUERY = 50
# The partnerships whose rows nobody needs reminding of any more.
CLOSED_PARTNERSHIPS = (Partnership.Status.COMPLETED, Partnership.Status.ENDED)


@dataclass(frozen=True)
class Item:
    """One thing to remind of: `key` as ReminderSent.item holds it."""

    key: str
    kind: str  # "action", "stage" or "measurement"
    partnership: Partnership
    name: str
    on: date
    overdue: bool
    url_name: str
    url_kwargs: dict

    def text(self) -> str:
        """The item in one line, in the active language."""
        values = {"name": self.name, "date": formats.date_format(self.on, "SHORT_DATE_FORMAT")}
        if self.kind == "measurement":
            return _("The measurement of %(name)s on %(date)s waits for your approval") % values
        if self.kind == "stage":
            if self.overdue:
                return _("Evaluation stage %(name)s: overdue since %(date)s") % values
            return _("Evaluation stage %(name)s: due on %(date)s") % values
        if self.overdue:
            return _("Action %(name)s: overdue since %(date)s") % values
        return _("Action %(name)s: due on %(date)s") % values

    def url(self) -> str:
        """Its page on the portal, in the active language."""
        return settings.PORTAL_URL + reverse(self.url_name, kwargs=self.url_kwargs)


@dataclass
class Reminder:
    """One e-mail: an address, its language and its items."""

    address: str
    language: str
    items: list = field(default_factory=list)

    def context(self) -> dict:
        """The e-mail's context, rendered in its language: items grouped by partnership,
        with their links (JSON, for the task queue)."""
        grouped = defaultdict(list)
        with translation.override(self.language):
            for item in self.items:
                grouped[item.partnership].append({"text": item.text(), "url": item.url()})
        return {
            "count": len(self.items),
            "partnerships": [
                {"title": partnership.title, "items": items}
                for partnership, items in grouped.items()
            ],
        }


def _short(text, length=80):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class _People:
    """The people reminders may go to, read once for all the partnerships concerned."""

    def __init__(self, partnerships):
        ids = {p.pk for p in partnerships}
        municipality_ids = {p.municipality_id for p in partnerships}
        self.staff = defaultdict(list)  # municipality id -> active users
        self.coordinators = defaultdict(list)
        for membership in MunicipalityMembership.objects.filter(
            municipality__in=municipality_ids, user__is_active=True
        ).select_related("user"):
            self.staff[membership.municipality_id].append(membership.user)
            if membership.role == MunicipalityMembership.Role.COORDINATOR:
                self.coordinators[membership.municipality_id].append(membership.user)
        self._of = {}  # partnership id -> its people by id
        self.partner_organizations = defaultdict(set)  # partnership id -> organization ids
        self.lead_contact = {}  # partnership id -> the lead partner's contact e-mail
        for member in Member.objects.filter(partnership__in=ids).order_by("position", "id"):
            if member.organization_id:
                self.partner_organizations[member.partnership_id].add(member.organization_id)
            if (
                member.role in (Member.Role.LEAD_MUNICIPALITY, Member.Role.LEAD_ORGANIZATION)
                and member.contact_email
            ):
                self.lead_contact.setdefault(member.partnership_id, member.contact_email)
        organization_ids = set().union(*self.partner_organizations.values())
        self.representatives = defaultdict(list)  # organization id -> active users
        for membership in OrganizationMembership.objects.filter(
            organization__in=organization_ids, user__is_active=True
        ).select_related("user"):
            self.representatives[membership.organization_id].append(membership.user)

    def of(self, partnership) -> dict:
        """The partnership's people by id, as actionplans.access.partnership_people: the
        active staff of its municipality and representatives of its partner organizations."""
        if partnership.pk not in self._of:
            people = {user.pk: user for user in self.staff[partnership.municipality_id]}
            for organization_id in self.partner_organizations[partnership.pk]:
                people.update((u.pk, u) for u in self.representatives[organization_id])
            self._of[partnership.pk] = people
        return self._of[partnership.pk]


class _Mailbox:
    """The reminders being gathered, one per address."""

    def __init__(self):
        self.by_address = {}

    def add(self, address, language, item):
        key = address.strip().lower()
        reminder = self.by_address.setdefault(key, Reminder(address=key, language=language))
        if all(existing.key != item.key for existing in reminder.items):
            reminder.items.append(item)

    def add_user(self, user, item):
        self.add(user.email, _language_of(user), item)

    def in_users_languages(self):
        """Each address that is an active user's in that user's language (one query), even
        when its first item came through a partner's contact e-mail."""
        users = (
            get_user_model()
            .objects.filter(is_active=True)
            .annotate(address=Lower("email"))
            .filter(address__in=list(self.by_address))
            .only("email", "language")
        )
        for user in users:
            self.by_address[user.address].language = _language_of(user)


def _language_of(user):
    return user.language or settings.LANGUAGE_CODE


def _contact_language(partnership):
    return language_of_country(partnership.municipality.country)


def _to_responsible(mailbox, people, row, item):
    """A row's reminder: its user, else its partner's contact, else the lead."""
    partnership = row.partnership
    user = row.responsible_user
    if user is not None and user.pk in people.of(partnership):  # active, and still theirs
        mailbox.add_user(user, item)
        return
    member = row.responsible_member
    if member is not None and member.contact_email:
        mailbox.add(member.contact_email, _contact_language(partnership), item)
        return
    lead = people.lead_contact.get(partnership.pk)
    if lead:
        mailbox.add(lead, _contact_language(partnership), item)
        return
    for coordinator in people.coordinators[partnership.municipality_id]:
        mailbox.add_user(coordinator, item)


def _deciders(people, measurements) -> dict:
    """Who may decide each measurement (by its id): measurements_to_review asked for each
    of its partnership's people, DECIDERS_PER_QUERY of them in one query."""
    candidates = {}  # user id -> (user, the ids of their partnerships with measurements)
    for partnership in {m.kpi.partnership for m in measurements}:
        for pk, user in people.of(partnership).items():
            candidates.setdefault(pk, (user, set()))[1].add(partnership.pk)
    users = {pk: user for pk, (user, _partnerships) in candidates.items()}
    deciders = defaultdict(list)
    ordered = sorted(candidates.items())
    for start in range(0, len(ordered), DECIDERS_PER_QUERY):
        chunk = [
            measurements_to_review(user, partnerships=sorted(partnership_ids))
            .order_by()
            .annotate(decider=Value(pk))
            .values_list("pk", "decider")
            for pk, (user, partnership_ids) in ordered[start : start + DECIDERS_PER_QUERY]
        ]
        for measurement_id, user_id in chunk[0].union(*chunk[1:], all=True).order_by():
            deciders[measurement_id].append(users[user_id])
    for found in deciders.values():
        found.sort(key=lambda user: user.pk)
    return deciders


def due_reminders(now=None) -> list[Reminder]:
    """Every reminder due at `now`, before the week rule (ReminderSent) is applied."""
    now = now or timezone.now()
    # No municipality's today is later than tomorrow in UTC: a bound, checked per row.
    latest_due = now.date() + timedelta(days=1 + DUE_WITHIN_DAYS)
    open_partnership = ~Q(partnership__status__in=CLOSED_PARTNERSHIPS)
    actions = list(
        ActionItem.objects.filter(open_partnership, deadline__lte=latest_due, ongoing=False)
        .exclude(status__in=ActionItemQuerySet.CLOSED)
        .select_related("partnership__municipality", "responsible_user", "responsible_member")
    )
    stages = list(
        EvaluationStage.objects.filter(open_partnership, ends_on__lte=latest_due)
        .exclude(status=EvaluationStage.Status.DONE)
        .select_related("partnership__municipality", "responsible_user", "responsible_member")
    )
    measurements = list(
        Measurement.objects.filter(
            ~Q(kpi__partnership__status__in=CLOSED_PARTNERSHIPS),
            status=Measurement.Status.PENDING,
        ).select_related("kpi__partnership__municipality")
    )
    partnerships = {}
    for row in (*actions, *stages):
        row.partnership = partnerships.setdefault(row.partnership_id, row.partnership)
    for measurement in measurements:
        kpi = measurement.kpi
        kpi.partnership = partnerships.setdefault(kpi.partnership_id, kpi.partnership)
    todays = {pk: partnership.local_today() for pk, partnership in partnerships.items()}
    people = _People(partnerships.values())
    mailbox = _Mailbox()
    for action in sorted(actions, key=lambda a: (a.partnership_id, a.position, a.pk)):
        today = todays[action.partnership_id]
        if (action.deadline - today).days > DUE_WITHIN_DAYS:
            continue
        item = Item(
            key=f"action-{action.pk}",
            kind="action",
            partnership=action.partnership,
            name=_short(action.activity),
            on=action.deadline,
            overdue=action.is_overdue(today),
            url_name="actionplans:actions",
            url_kwargs={"pk": action.partnership_id},
        )
        _to_responsible(mailbox, people, action, item)
    for stage in sorted(stages, key=lambda s: (s.partnership_id, s.ends_on, s.pk)):
        today = todays[stage.partnership_id]
        if not stage.is_due(today, within_days=DUE_WITHIN_DAYS):
            continue
        item = Item(
            key=f"stage-{stage.pk}",
            kind="stage",
            partnership=stage.partnership,
            name=_short(stage.name),
            on=stage.ends_on,
            overdue=stage.is_overdue(today),
            url_name="evaluation:stage",
            url_kwargs={"pk": stage.partnership_id, "stage": stage.pk},
        )
        _to_responsible(mailbox, people, stage, item)
    deciders = _deciders(people, measurements)
    for measurement in sorted(measurements, key=lambda m: (m.kpi.partnership_id, m.pk)):
        item = Item(
            key=f"measurement-{measurement.pk}",
            kind="measurement",
            partnership=measurement.kpi.partnership,
            name=_short(measurement.kpi.name),
            on=measurement.measured_on,
            overdue=False,
            url_name="evaluation:measurement_review",
            url_kwargs={"pk": measurement.kpi.partnership_id, "measurement": measurement.pk},
        )
        for user in deciders.get(measurement.pk, ()):
            mailbox.add_user(user, item)
    mailbox.in_users_languages()
    return list(mailbox.by_address.values())
