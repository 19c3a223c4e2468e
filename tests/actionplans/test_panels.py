"""actionplans.panels.my_partnerships: my partnerships and what is due in them."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.panels import my_partnerships
from actionplans.services import partnership_sign
from tests.factories import ActionItemFactory, MemberFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/en/my-work/")
    request.user = user
    return request


def sign(partnership, party, signer):
    partnership_sign(
        partnership=partnership, party=party, signer=signer, checked_hash=current_hash(partnership)
    )


def test_it_lists_my_partnerships(staff, partnership):
    assert my_partnerships(request_of(staff)).context["partnerships"] == [partnership]


def test_staff_with_none_are_offered_to_start_one_and_others_see_no_panel(staff, outsider):
    assert my_partnerships(request_of(staff)).context == {"may_start": True}
    assert my_partnerships(request_of(outsider)) is None


def test_a_revision_waiting_for_my_signature_is_due_until_i_sign(
    coordinator, representative, partnership, organization
):
    ActionItemFactory(partnership=partnership)
    sign(partnership, MUNICIPALITY_PARTY, coordinator)
    assert list(my_partnerships(request_of(coordinator)).due) == []
    with translation.override("en"):
        (due,) = my_partnerships(request_of(representative)).due
    assert due.text == "Sign revision 1 of Atelpas brīži"
    assert due.url == f"/en/partnerships/{partnership.pk}/check/"
    sign(partnership, organization, representative)
    assert list(my_partnerships(request_of(representative)).due) == []


def test_staff_who_sign_for_nobody_have_nothing_to_sign(
    staff, representative, partnership, organization
):
    ActionItemFactory(partnership=partnership)
    sign(partnership, organization, representative)
    assert list(my_partnerships(request_of(staff)).due) == []


def test_overdue_and_blocked_rows_are_due_in_the_municipalitys_time_zone(staff, partnership):
    today = partnership.local_today()
    ActionItemFactory(partnership=partnership, deadline=today - datetime.timedelta(days=1))
    ActionItemFactory(partnership=partnership, status="blocked", blocked_reason="Nav telpu")
    ActionItemFactory(partnership=partnership, deadline=today)  # due today: not overdue
    ActionItemFactory(
        partnership=partnership, deadline=today - datetime.timedelta(days=9), status="done"
    )
    ActionItemFactory(partnership=partnership, ongoing=True)
    with translation.override("en"):
        (due,) = my_partnerships(request_of(staff)).due
    assert due.text == "2 actions of Atelpas brīži are overdue or blocked"
    assert due.url == f"/en/partnerships/{partnership.pk}/action-plan/"


def test_a_deadline_is_overdue_by_the_municipalitys_date_not_the_servers(
    staff, partnership, monkeypatch
):
    # 23:30 in UTC is already tomorrow in Riga (UTC+2): yesterday's deadline there is
    # today's in UTC.
    moment = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    ActionItemFactory(partnership=partnership, deadline=datetime.date(2026, 12, 1))
    assert len(list(my_partnerships(request_of(staff)).due)) == 1


def test_the_number_of_queries_is_fixed(
    staff, coordinator, representative, municipality, organization, django_assert_num_queries
):
    def partnership_waiting():
        partnership = PartnershipFactory(municipality=municipality)
        MemberFactory(partnership=partnership, organization=organization)
        ActionItemFactory(partnership=partnership, status="blocked", blocked_reason="X")
        sign(partnership, organization, representative)

    partnership_waiting()
    # Partnerships, coordinated and represented, open revisions and their signatures, rows
    # (none of the coordinator's organizations signs: no query for them).
    with django_assert_num_queries(6):
        assert len(list(my_partnerships(request_of(coordinator)).due)) == 2
    for _ in range(4):
        partnership_waiting()
    with django_assert_num_queries(6):
        assert len(list(my_partnerships(request_of(coordinator)).due)) == 10


def test_the_panel_is_on_my_work(client, staff, partnership):
    client.force_login(staff)
    page = client.get("/en/my-work/").content.decode()
    assert "My partnerships" in page and "Atelpas brīži" in page
