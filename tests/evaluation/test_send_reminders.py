"""send_reminders (evaluation.services.reminders_send, evaluation/reminders.py): the daily
e-mail about action rows and stages due within a week or overdue, and measurements waiting
for approval."""

import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.access import partnership_people
from actionplans.models import Member
from evaluation import reminders
from evaluation.access import measurements_to_review
from evaluation.models import ReminderSent
from evaluation.services import reminders_send
from tests.factories import (
    ActionItemFactory,
    EvaluationStageFactory,
    KpiFactory,
    MeasurementFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .dash_helpers import make_partnership

pytestmark = pytest.mark.django_db

# Noon in Riga.
NOW = datetime.fromisoformat("2026-12-02T10:00:00+00:00")
TODAY = date(2026, 12, 2)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def partnership(municipality, staff, organization):
    return make_partnership(municipality, staff, organization)


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_URL = "https://portal.example.org"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command at a moment; the e-mails it queued are sent. Returns its output."""

    def run(moment=NOW, *args):
        out = StringIO()
        with at(moment), django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    return run


def colleague_of(partnership, **user):
    """A user on the municipality's staff: one of the partnership's people."""
    found = UserFactory(**user)
    MunicipalityMembershipFactory(municipality=partnership.municipality, user=found)
    return found


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def action(partnership, days, **kwargs):
    return ActionItemFactory(
        partnership=partnership, deadline=TODAY + timedelta(days=days), **kwargs
    )


def stage(partnership, days, **kwargs):
    return EvaluationStageFactory(
        partnership=partnership, ends_on=TODAY + timedelta(days=days), **kwargs
    )


def test_an_action_due_within_a_week_goes_to_its_responsible_user_in_their_language(
    run, partnership
):
    anna = colleague_of(partnership, email="anna@example.org", language="lv")
    action(partnership, 7, activity="Tikšanās ar vecākiem", responsible_user=anna)
    output = run()
    (sent,) = mails_to("anna@example.org")
    assert "Tikšanās ar vecākiem" in sent.body
    assert "9.12.2026" in sent.body  # as Latvian writes dates
    assert f"https://portal.example.org/lv/partnerships/{partnership.pk}/action-plan/" in sent.body
    assert partnership.title in sent.body
    assert "Reminders queued: 1 e-mails, 1 items." in output


def test_rows_not_due_done_cancelled_or_ongoing_are_left_alone(run, partnership):
    anna = colleague_of(partnership)
    action(partnership, 8, responsible_user=anna)
    action(partnership, -3, responsible_user=anna, status="done")
    action(partnership, -3, responsible_user=anna, status="cancelled")
    ActionItemFactory(partnership=partnership, ongoing=True, responsible_user=anna)
    stage(partnership, -1, responsible_user=anna, status="done")
    stage(partnership, 8, responsible_user=anna)
    run()
    assert mail.outbox == []


def test_overdue_rows_and_stages_due_or_overdue_are_in_one_email_per_address(
    run, partnership, municipality, staff, organization
):
    anna = colleague_of(partnership, email="anna@example.org", language="en")
    action(partnership, -2, activity="Late row", responsible_user=anna)
    stage(partnership, 3, name="Mid-term review", responsible_user=anna)
    stage(partnership, -10, name="Baseline survey", responsible_user=anna)
    other = make_partnership(municipality, staff, organization, title="Otra sadarbība")
    action(other, 0, activity="Today's row", responsible_user=anna)
    run()
    (sent,) = mails_to("anna@example.org")
    body = sent.body
    assert "Action Late row: overdue since 30/11/2026" in body
    assert "Evaluation stage Mid-term review: due on 05/12/2026" in body
    assert "Evaluation stage Baseline survey: overdue since 22/11/2026" in body
    assert "Action Today's row: due on 02/12/2026" in body
    assert body.index(partnership.title) < body.index("Late row") < body.index("Otra sadarbība")
    assert f"/en/partnerships/{partnership.pk}/evaluation/stages/" in body
    assert sent.subject == "Roadmap Portal: 4 things due"


def test_a_row_with_only_a_name_goes_to_its_partners_contact_in_the_countrys_language(run):
    sweden = MunicipalityFactory(country="SE", time_zone="Europe/Stockholm")
    staff = MunicipalityMembershipFactory(municipality=sweden).user
    organization = OrganizationFactory(home_municipality=sweden)
    partnership = make_partnership(sweden, staff, organization)
    member = partnership.members.get(role=Member.Role.SIGNATORY)
    member.contact_email = "kontakt@example.se"
    member.save(update_fields=["contact_email"])
    action(partnership, 1, responsible_name="Karin", responsible_member=member)
    stage(partnership, 1, responsible_member=member)
    run()
    (sent,) = mails_to("kontakt@example.se")
    assert f"/sv/partnerships/{partnership.pk}/action-plan/" in sent.body
    assert sent.body.count("https://portal.example.org/sv/") == 2


def test_without_a_partners_contact_it_goes_to_the_lead_else_the_coordinators(
    run, partnership, coordinator
):
    action(partnership, 1, responsible_name="Anna")  # no partner, no user
    run()
    (sent,) = mails_to(coordinator.email)  # no lead contact: the coordinators
    lead = partnership.members.get(role=Member.Role.LEAD_MUNICIPALITY)
    lead.contact_email = "lead@example.lv"
    lead.save(update_fields=["contact_email"])
    action(partnership, 2, responsible_name="Jānis")
    mail.outbox.clear()
    run()
    (sent,) = mail.outbox
    assert sent.to == ["lead@example.lv"]
    assert "/lv/" in sent.body  # Latvia's language
    assert sent.body.count("https://portal.example.org/") == 2  # both rows: new to this address


def test_a_measurement_goes_to_those_who_may_decide_it(
    run, partnership, staff, coordinator, representative, organization
):
    kpi = KpiFactory(partnership=partnership, name="Jauniešu nodarbinātība")
    for_municipality = MeasurementFactory(kpi=kpi, entered_by=staff)
    run()
    assert [m.to for m in mail.outbox] == [[representative.email]]
    assert f"/measurements/{for_municipality.pk}/review/" in mail.outbox[0].body
    for_partner = MeasurementFactory(kpi=kpi, entered_for=organization, entered_by=representative)
    mail.outbox.clear()
    run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, coordinator.email])
    # The same people as the pages ask.
    for user in (staff, coordinator):
        assert for_partner in measurements_to_review(user)
    assert for_partner not in measurements_to_review(representative)


def test_an_item_is_sent_to_an_address_at_most_once_a_week(run, partnership):
    anna = colleague_of(partnership, email="anna@example.org")
    action(partnership, -1, responsible_user=anna)
    run()
    assert len(mails_to("anna@example.org")) == 1
    run(NOW + timedelta(hours=5))
    run(NOW + timedelta(days=6))
    assert len(mails_to("anna@example.org")) == 1
    assert "Reminders queued: 0 e-mails, 0 items." in run(NOW + timedelta(days=6, hours=22))
    run(NOW + timedelta(days=7))
    assert len(mails_to("anna@example.org")) == 2
    assert ReminderSent.objects.get().sent_at == NOW + timedelta(days=7)


def test_next_weeks_run_a_little_earlier_in_the_day_still_sends_on_day_seven(run, partnership):
    anna = colleague_of(partnership, email="anna@example.org")
    action(partnership, -1, responsible_user=anna)
    run()
    # cron started 40 seconds earlier than last week: not a day later.
    run(NOW + timedelta(days=7, seconds=-40))
    assert len(mails_to("anna@example.org")) == 2
    # Within the hour's margin; anything earlier waits.
    run(NOW + timedelta(days=14, minutes=-59))
    assert len(mails_to("anna@example.org")) == 3
    assert "0 e-mails" in run(NOW + timedelta(days=20, hours=22))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections at once: SQLite's in-memory test database shares one cache",
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(partnership):
    anna = colleague_of(partnership, email="anna@example.org")
    action(partnership, -1, responsible_user=anna)
    first_has_read, second_has_read = threading.Event(), threading.Event()
    due_reminders = reminders.due_reminders
    queued, errors = [], []

    def reading(now):
        found = due_reminders(now)
        if not first_has_read.is_set():
            first_has_read.set()
            # Without a lock the second run reads now, before this one records; with it,
            # the second waits for this one to commit.
            second_has_read.wait(timeout=3)
        else:
            second_has_read.set()
        return found

    def one_run():
        try:
            reminders_send(now=NOW)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with (
        mock.patch.object(reminders, "due_reminders", reading),
        mock.patch("evaluation.services.email_address", lambda to, *a, **k: queued.append(to)),
    ):
        first = threading.Thread(target=one_run)
        first.start()
        assert first_has_read.wait(timeout=10)
        second = threading.Thread(target=one_run)
        second.start()
        first.join(timeout=20)
        second.join(timeout=20)
    assert errors == []
    assert queued == ["anna@example.org"]
    assert ReminderSent.objects.count() == 1


def test_a_responsible_user_who_left_the_partnership_is_not_mailed_its_row_falls_back(
    run, partnership, coordinator, organization, representative
):
    # Once on the staff, now working for another municipality: no longer one of its people.
    left = UserFactory(email="left@example.org")
    MunicipalityMembershipFactory(user=left)
    action(partnership, 1, activity="Left row", responsible_user=left)
    stage(partnership, 1, name="Left stage", responsible_user=left)
    action(partnership, 1, activity="Representative row", responsible_user=representative)
    member = partnership.members.get(role=Member.Role.SIGNATORY)
    member.contact_email = "kontakts@example.lv"
    member.save(update_fields=["contact_email"])
    action(partnership, 2, activity="Partner row", responsible_user=left, responsible_member=member)
    run()
    assert mails_to("left@example.org") == []
    (to_coordinator,) = mails_to(coordinator.email)  # no partner, no lead contact
    assert "Left row" in to_coordinator.body and "Left stage" in to_coordinator.body
    (to_contact,) = mails_to("kontakts@example.lv")
    assert "Partner row" in to_contact.body and "Left row" not in to_contact.body
    (to_representative,) = mails_to(representative.email)  # a partner's people: still theirs
    assert "Representative row" in to_representative.body
    assert left not in partnership_people(partnership)
    assert representative in partnership_people(partnership)


def test_an_address_that_is_a_users_is_written_in_their_language_however_its_items_came(
    run, partnership, organization
):
    # The partner's contact e-mail is a user's who reads English, in Latvia.
    eva = UserFactory(email="eva@example.org", language="en")
    OrganizationMembershipFactory(organization=organization, user=eva)
    member = partnership.members.get(role=Member.Role.SIGNATORY)
    member.contact_email = "Eva@Example.org"
    member.save(update_fields=["contact_email"])
    action(partnership, 1, activity="Through the contact", responsible_member=member)
    action(partnership, 2, activity="Her own", responsible_user=eva)
    run()
    (sent,) = mails_to("eva@example.org")
    assert sent.body.count("https://portal.example.org/en/") == 2
    assert "/lv/" not in sent.body
    assert sent.subject == "Roadmap Portal: 2 things due"


def test_nobody_is_reminded_of_a_measurement_entered_for_a_party_they_act_for_in_any_role(
    run, partnership, municipality, staff, coordinator, organization, representative
):
    # Staff who also represent the partner decide neither side's measurements.
    both = colleague_of(partnership, email="both@example.org")
    OrganizationMembershipFactory(organization=organization, user=both)
    kpi = KpiFactory(partnership=partnership)
    for_partner = MeasurementFactory(kpi=kpi, entered_for=organization, entered_by=representative)
    for_municipality = MeasurementFactory(kpi=kpi, entered_by=staff)
    run()
    assert mails_to("both@example.org") == []
    assert measurements_to_review(both).count() == 0  # the same rule as the pages
    for user in (staff, coordinator):
        (sent,) = mails_to(user.email)
        assert f"/measurements/{for_partner.pk}/review/" in sent.body
        assert f"/measurements/{for_municipality.pk}/" not in sent.body
    (sent,) = mails_to(representative.email)
    assert f"/measurements/{for_municipality.pk}/review/" in sent.body


def test_a_new_item_is_sent_while_the_old_one_waits_its_week(run, partnership):
    anna = colleague_of(partnership, email="anna@example.org")
    action(partnership, -1, activity="Old row", responsible_user=anna)
    run()
    action(partnership, 1, activity="New row", responsible_user=anna)
    run(NOW + timedelta(days=1))
    latest = mails_to("anna@example.org")[-1]
    assert "New row" in latest.body and "Old row" not in latest.body


def test_today_is_the_municipalitys_date(run, organization):
    # At 11:00 UTC it is already 3 December on Kiritimati (UTC+14), still 2 December in Riga.
    moment = datetime.fromisoformat("2026-12-02T11:00:00+00:00")
    for zone, address in (
        ("Pacific/Kiritimati", "east@example.org"),
        ("Europe/Riga", "riga@example.org"),
    ):
        municipality = MunicipalityFactory(time_zone=zone)
        staff = MunicipalityMembershipFactory(municipality=municipality).user
        partnership = make_partnership(municipality, staff, OrganizationFactory())
        action(
            partnership, 8, responsible_user=colleague_of(partnership, email=address)
        )  # 10 December
    run(moment)
    assert [m.to for m in mail.outbox] == [["east@example.org"]]


def test_inactive_users_are_never_mailed(run, partnership, coordinator, representative, staff):
    gone = UserFactory(email="gone@example.org", is_active=False)
    action(partnership, 1, responsible_user=gone)
    MeasurementFactory(kpi=KpiFactory(partnership=partnership), entered_by=staff)
    type(representative).objects.filter(pk=representative.pk).update(is_active=False)
    run()
    addresses = [m.to[0] for m in mail.outbox]
    assert "gone@example.org" not in addresses
    assert representative.email not in addresses
    assert addresses == [coordinator.email]  # the row falls to the lead: the coordinator


def test_a_dry_run_prints_what_would_be_sent_and_sends_nothing(run, partnership):
    anna = colleague_of(partnership, email="anna@example.org")
    action(partnership, 1, activity="Row", responsible_user=anna)
    output = run(NOW, "--dry-run")
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "anna@example.org (lv):" in output
    assert "Reminders would be sent: 1 e-mails, 1 items." in output
    run()
    assert len(mail.outbox) == 1  # the dry run did not count as sent


def queries_of_a_run():
    with at(NOW), CaptureQueriesContext(connection) as queries:
        reminders_send()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_items(
    partnership, staff, representative, organization
):
    anna = colleague_of(partnership)

    def some():
        action(partnership, 1, responsible_user=anna)
        action(partnership, 1, responsible_name="Name only")
        stage(partnership, 1, responsible_user=anna)
        kpi = KpiFactory(partnership=partnership)
        MeasurementFactory(kpi=kpi, entered_by=staff)
        MeasurementFactory(kpi=kpi, entered_for=organization, entered_by=representative)

    # The same people decide all of them: the count grows with the people who may decide
    # (one query more per reminders.DECIDERS_PER_QUERY of them), never with the items.
    some()
    first = queries_of_a_run()
    ReminderSent.objects.all().delete()
    for _ in range(5):
        some()
    assert queries_of_a_run() == first
