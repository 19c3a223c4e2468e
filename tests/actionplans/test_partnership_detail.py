"""actionplans:partnership: the task list, the status, revisions and what happened."""

import pytest

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.services import partnership_sign
from tests.factories import ActionItemFactory, CommunicationItemFactory, MemberFactory

pytestmark = pytest.mark.django_db


def statuses(response):
    return {task.slug: task.status_label for task in response.context["tasks"]}


def test_a_new_partnership_lists_the_five_tasks_and_cannot_be_signed_yet(
    client, staff, municipality
):
    client.force_login(staff)
    client.post(
        "/en/partnerships/new/",
        {"municipality": municipality.pk, "title": "Kopā", "shared_result": "R"},
    )
    response = client.get(
        client.get("/en/partnerships/").context["partnerships"][0].get_absolute_url()
    )
    assert statuses(response) == {
        "details": "Not yet started",
        "partners": "Not yet started",
        "actions": "Not yet started",
        "communications": "Not yet started",
        "check": "Cannot start yet",
    }
    page = response.content.decode()
    for name in ("Fill in the details", "Add the partners", "Make the action plan"):
        assert name in page
    assert "Add at least one row to the action plan." in page
    assert 'href="/en/partnerships/' in page and "/check/" not in page
    assert "Started" in page  # the event


def test_with_a_signatory_and_rows_it_can_be_checked_and_signed(client, staff, partnership):
    ActionItemFactory(partnership=partnership)
    CommunicationItemFactory(partnership=partnership)
    client.force_login(staff)
    response = client.get(partnership.get_absolute_url())
    assert statuses(response) | {"details": None} == {
        "details": None,
        "partners": "Completed",
        "actions": "Completed",
        "communications": "Completed",
        "check": "Not yet started",
    }
    assert f"/en/partnerships/{partnership.pk}/check/" in response.content.decode()


def test_a_signed_revision_is_shown_and_linked(
    client, staff, coordinator, representative, partnership, organization
):
    ActionItemFactory(partnership=partnership)
    for party, signer in ((MUNICIPALITY_PARTY, coordinator), (organization, representative)):
        partnership_sign(
            partnership=partnership,
            party=party,
            signer=signer,
            checked_hash=current_hash(partnership),
        )
    client.force_login(staff)
    response = client.get(partnership.get_absolute_url())
    page = response.content.decode()
    assert statuses(response)["check"] == "Completed"
    assert "Revision 1 was signed on" in page
    assert f"/en/partnerships/{partnership.pk}/revisions/1/" in page
    assert "Status: Active" in page


# The session and user, the partnership and whether its user signs (3), counts of partners
# and rows (3), revisions, signing problems (2), the header's moderation menu (2), events,
# and the panels of settings.PARTNERSHIP_PANELS: the evaluation's, its KPIs and its stages
# (2; one more for the KPIs' measurements when it has KPIs).
TASK_LIST_QUERIES = 14


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, staff, partnership, django_assert_num_queries
):
    client.force_login(staff)
    with django_assert_num_queries(TASK_LIST_QUERIES):
        assert client.get(partnership.get_absolute_url()).status_code == 200
    for _ in range(5):
        MemberFactory(partnership=partnership)
        ActionItemFactory(partnership=partnership)
        CommunicationItemFactory(partnership=partnership)
        partnership.events.create(kind="details", actor=staff)
    with django_assert_num_queries(TASK_LIST_QUERIES):
        assert client.get(partnership.get_absolute_url()).status_code == 200


def test_text_from_users_is_escaped(client, staff, partnership):
    type(partnership).objects.filter(pk=partnership.pk).update(title="<script>x</script>")
    client.force_login(staff)
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_an_outsider_gets_404(client, outsider, partnership):
    client.force_login(outsider)
    assert client.get(partnership.get_absolute_url()).status_code == 404


def test_the_page_only_shows(client, staff, partnership):
    client.force_login(staff)
    assert client.post(partnership.get_absolute_url()).status_code == 405
