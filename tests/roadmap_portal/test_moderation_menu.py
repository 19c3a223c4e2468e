"""The menu's Moderation item (roadmap_portal.context_processors.moderation_menu and
orgs.access.moderation_waiting_count)."""

import pytest

from orgs.access import moderation_waiting_count
from orgs.models import Organization, OrganizationClaim, OrganizationMove
from tests.factories import MunicipalityFactory, OrganizationFactory, UserFactory

MENU_ITEM = 'href="/en/moderation/"'


def fill_queue(municipality, n):
    for _ in range(n):
        OrganizationFactory(home_municipality=municipality, status=Organization.Status.PENDING)
        OrganizationClaim.objects.create(
            organization=OrganizationFactory(home_municipality=municipality), user=UserFactory()
        )
        OrganizationMove.objects.create(
            organization=OrganizationFactory(),
            from_municipality=MunicipalityFactory(),
            to_municipality=municipality,
            requested_by=UserFactory(),
        )


@pytest.mark.parametrize("who", ["staff", "coordinator", "administrator"])
def test_those_who_moderate_have_the_menu_item(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert MENU_ITEM in client.get("/en/roadmaps/").text


@pytest.mark.parametrize("who", ["representative", "outsider"])
def test_others_do_not(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert MENU_ITEM not in client.get("/en/roadmaps/").text


def test_visitors_do_not_and_cost_no_query(client, db, django_assert_num_queries):
    client.get("/en/privacy/")
    with django_assert_num_queries(0):
        assert MENU_ITEM not in client.get("/en/privacy/").text


def test_it_shows_how_many_requests_wait(client, municipality, staff):
    fill_queue(municipality, 2)
    client.force_login(staff)
    assert '6<span class="visually-hidden"> waiting</span>' in client.get("/en/privacy/").text


def test_the_count_is_one_query_whatever_waits(municipality, staff, django_assert_num_queries):
    fill_queue(municipality, 3)
    staff.is_superuser = True  # the administrator's queue has the most conditions
    staff.save(update_fields=["is_superuser"])
    with django_assert_num_queries(1):
        assert moderation_waiting_count(staff) == 9


def test_the_count_matches_the_queues(municipality, staff, administrator):
    fill_queue(municipality, 2)
    OrganizationClaim.objects.create(
        organization=OrganizationFactory(home_municipality=municipality), user=staff
    )  # the staff member's own: not theirs to decide
    assert moderation_waiting_count(staff) == 6
    # A municipality with staff: its requests wait for them, not for administrators.
    assert moderation_waiting_count(administrator) == 1


def test_someone_who_does_not_moderate_has_no_count(representative):
    assert moderation_waiting_count(representative) is None


def test_past_the_cap_it_counts_no_further_and_shows_a_plus(
    client, municipality, staff, monkeypatch
):
    from orgs import access
    from roadmap_portal import context_processors

    monkeypatch.setattr(access, "COUNT_CAP", 4)
    monkeypatch.setattr(context_processors, "COUNT_CAP", 4)
    fill_queue(municipality, 3)  # 9 waiting
    assert moderation_waiting_count(staff) == 5
    client.force_login(staff)
    assert '4+<span class="visually-hidden"> waiting</span>' in client.get("/en/privacy/").text
