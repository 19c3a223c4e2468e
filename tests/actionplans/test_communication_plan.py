import pytest

from actionplans.models import MAX_COMMUNICATION_ITEMS, Partnership, PartnershipEvent
from tests.factories import CommunicationItemFactory

from .conftest import url_of
from .plan_posts import plan_post

pytestmark = pytest.mark.django_db

PREFIX = "communications"


@pytest.fixture
def url(partnership):
    return url_of("communications", pk=partnership.pk)


def communication_row(item=None, **values):
    row = {
        "id": item.pk if item else "",
        "subject": item.subject if item else "Mēneša jaunumi",
        "audience": item.audience if item else "Vecāki",
        "sender": "",
        "channel": "",
        "frequency": "",
        "format": "",
        "escalation": "",
    }
    row.update(values)
    return row


def post(rows, version=1, **kwargs):
    return plan_post(rows, version=version, prefix=PREFIX, **kwargs)


def subjects(partnership):
    return list(partnership.communications.order_by("position").values_list("subject", flat=True))


@pytest.fixture
def two(partnership):
    return [
        CommunicationItemFactory(partnership=partnership, position=i, subject=f"Ziņa {i + 1}")
        for i in range(2)
    ]


def test_members_see_the_saved_rows_in_a_table_and_in_the_form(
    client, partnership, staff, url, two
):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert [item.subject for item in response.context["saved"]] == ["Ziņa 1", "Ziņa 2"]
    assert [row.form.initial.get("id") for row in response.context["formset"].rows] == [
        two[0].pk,
        two[1].pk,
        None,
    ]
    assert 'aria-labelledby="saved-communications-caption"' in response.content.decode()


def test_saving_keeps_reorders_adds_and_removes_rows(client, partnership, representative, url, two):
    client.force_login(representative)
    rows = [
        communication_row(two[1], channel="E-pasts", escalation="Zvanīt koordinatorei"),
        communication_row(subject="Gada pārskats", audience="Dome", frequency="Reizi gadā"),
    ]
    response = client.post(url, post(rows))
    assert response.status_code == 302
    assert subjects(partnership) == ["Ziņa 2", "Gada pārskats"]
    assert partnership.communications.get(pk=two[1].pk).channel == "E-pasts"
    assert Partnership.objects.get(pk=partnership.pk).communications_version == 2
    event = PartnershipEvent.objects.exclude(kind="created").get()
    assert event.kind == PartnershipEvent.Kind.COMMUNICATIONS_SAVED
    assert event.fields == {"added": 1, "changed": 1, "moved": 0, "removed": 1}


def test_a_move_button_reorders_without_saving(client, partnership, staff, url, two):
    client.force_login(staff)
    rows = [communication_row(item) for item in two]
    response = client.post(url, post(rows, button="down-0"))
    assert response.status_code == 200
    ids = [row.form.initial["id"] for row in response.context["formset"].rows]
    assert ids == [str(two[1].pk), str(two[0].pk)]
    assert subjects(partnership) == ["Ziņa 1", "Ziņa 2"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"audience": ""}, "audience"),
        ({"channel": "E-pasts\nun zvans"}, "channel"),
        ({"format": "x" * 301}, "format"),
    ],
)
def test_bad_input_is_an_error_beside_its_field_and_changes_nothing(
    client, partnership, staff, url, two, changes, field
):
    client.force_login(staff)
    response = client.post(url, post([communication_row(two[0], **changes)]))
    assert response.status_code == 200
    assert field in response.context["formset"].errors[0]
    html = response.content.decode()
    assert "<title>Error:" in html and f'href="#id_communications-0-{field}"' in html
    assert subjects(partnership) == ["Ziņa 1", "Ziņa 2"]


def test_too_many_rows_is_an_error(client, partnership, staff, url):
    client.force_login(staff)
    rows = [communication_row(subject=f"Z{i}") for i in range(MAX_COMMUNICATION_ITEMS + 1)]
    response = client.post(url, post(rows))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not partnership.communications.exists()


def test_a_garbled_version_is_a_form_error(client, partnership, staff, url, two):
    client.force_login(staff)
    data = post([communication_row(two[0], subject="Nē")]) | {"version": "x"}
    response = client.post(url, data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert subjects(partnership) == ["Ziņa 1", "Ziņa 2"]


def test_a_second_editor_sees_the_conflict_and_keeps_what_they_typed(
    client, partnership, staff, representative, url, two
):
    client.force_login(representative)
    assert client.post(url, post([communication_row(two[0])])).status_code == 302
    client.force_login(staff)
    response = client.post(url, post([communication_row(two[1], subject="Mana ziņa")]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved the communication plan while you were editing" in html
    assert "Mana ziņa" in html
    assert [item.subject for item in response.context["saved"]] == ["Ziņa 1"]
    assert subjects(partnership) == ["Ziņa 1"]


def test_outsiders_get_404_and_other_methods_405(
    client, partnership, outsider, other_representative, staff, url
):
    for user in (outsider, other_representative):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, post([communication_row()])).status_code == 404
    assert not partnership.communications.exists()
    client.force_login(staff)
    assert client.put(url).status_code == 405


@pytest.mark.parametrize("count", [5, 30])
def test_the_page_and_a_save_take_the_same_queries_however_many_rows(
    client, partnership, staff, url, django_assert_num_queries, count
):
    items = [CommunicationItemFactory(partnership=partnership) for _ in range(count)]
    client.force_login(staff)
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    rows = [communication_row(item, subject=f"Labota {item.pk}") for item in items[1:]]
    with django_assert_num_queries(15):
        assert client.post(url, post([*rows, communication_row()])).status_code == 302
