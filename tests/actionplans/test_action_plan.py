import datetime

import pytest
from django.utils import timezone

from actionplans.models import MAX_ACTION_ITEMS, ActionItem, Partnership, PartnershipEvent
from tests.factories import ActionItemFactory, MemberFactory, PartnershipFactory, UserFactory

from .conftest import url_of
from .plan_posts import action_row, plan_post, saved_action_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(partnership):
    return url_of("actions", pk=partnership.pk)


@pytest.fixture
def three(partnership):
    return [
        ActionItemFactory(partnership=partnership, position=i, activity=f"Darbība {i + 1}")
        for i in range(3)
    ]


def actions_of(partnership):
    return list(partnership.actions.order_by("position").values_list("activity", flat=True))


def errors_of(response):
    return response.context["formset"].errors


def test_members_see_every_row_with_its_saved_values(client, partnership, staff, url, three):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [row.form.initial.get("activity") for row in formset.rows] == [
        "Darbība 1",
        "Darbība 2",
        "Darbība 3",
        None,  # the empty row to add one more
    ]
    assert [row.form.initial.get("id") for row in formset.rows][:3] == [a.pk for a in three]
    assert response.context["version"].initial == {"version": 1}


def test_a_representative_of_a_partner_edits_the_plan_too(client, partnership, representative, url):
    client.force_login(representative)
    response = client.post(url, plan_post([action_row(activity="Telpu nodošana")], version=1))
    assert response.status_code == 302
    assert actions_of(partnership) == ["Telpu nodošana"]


def test_saving_updates_kept_rows_adds_new_ones_and_removes_the_others(
    client, partnership, staff, url, three
):
    client.force_login(staff)
    rows = [
        saved_action_row(three[2], activity="Trešā, labota"),
        saved_action_row(three[0]),
        action_row(activity="Jauna"),
    ]
    response = client.post(url, plan_post(rows, version=1))
    assert response.status_code == 302 and response["Location"] == url
    assert actions_of(partnership) == ["Trešā, labota", "Darbība 1", "Jauna"]
    assert not ActionItem.objects.filter(pk=three[1].pk).exists()
    kept = ActionItem.objects.get(pk=three[2].pk)
    assert (kept.position, kept.activity) == (0, "Trešā, labota")
    event = PartnershipEvent.objects.get(kind=PartnershipEvent.Kind.ACTIONS_SAVED)
    assert event.actor == staff
    assert event.fields == {"added": 1, "changed": 1, "moved": 1, "removed": 1}
    assert Partnership.objects.get(pk=partnership.pk).actions_version == 2


def test_a_person_of_the_partnership_and_their_partner_are_saved_with_the_row(
    client, partnership, staff, representative, url
):
    member = partnership.members.get(role="signatory")
    client.force_login(staff)
    row = action_row(
        responsible_user=representative.pk,
        responsible_name="",
        responsible_member=member.pk,
        goals="Visi zina, kur tikties",
        starts_on="2027-01-10",
        deadline="2027-02-01",
        status="blocked",
        blocked_reason="Nav telpu",
    )
    assert client.post(url, plan_post([row], version=1)).status_code == 302
    action = partnership.actions.get()
    assert action.responsible_user == representative
    assert action.responsible_member == member
    assert (action.starts_on, action.deadline) == (
        datetime.date(2027, 1, 10),
        datetime.date(2027, 2, 1),
    )
    assert (action.status, action.blocked_reason) == ("blocked", "Nav telpu")


def test_a_move_button_reorders_the_rows_keeping_their_ids_and_saves_nothing(
    client, partnership, staff, url, three
):
    client.force_login(staff)
    rows = [saved_action_row(action) for action in three]
    rows[1]["activity"] = "Otrā, vēl nesaglabāta"
    response = client.post(url, plan_post(rows, version=1, button="up-1"))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [row.form.initial["id"] for row in formset.rows] == [
        str(three[1].pk),
        str(three[0].pk),
        str(three[2].pk),
    ]
    assert formset.rows[0].form.initial["activity"] == "Otrā, vēl nesaglabāta"
    assert actions_of(partnership) == ["Darbība 1", "Darbība 2", "Darbība 3"]
    # Saving what the page now shows keeps the rows, in the new order.
    moved = [rows[1], rows[0], rows[2]]
    assert client.post(url, plan_post(moved, version=1)).status_code == 302
    assert actions_of(partnership) == ["Otrā, vēl nesaglabāta", "Darbība 1", "Darbība 3"]
    assert list(partnership.actions.order_by("position").values_list("pk", flat=True)) == [
        three[1].pk,
        three[0].pk,
        three[2].pk,
    ]


def test_the_remove_and_add_buttons_change_the_rows_shown_and_save_nothing(
    client, partnership, staff, url, three
):
    client.force_login(staff)
    rows = [saved_action_row(action) for action in three]
    removed = client.post(url, plan_post(rows, version=1, button="remove-0"))
    assert [row.form.initial["id"] for row in removed.context["formset"].rows] == [
        str(three[1].pk),
        str(three[2].pk),
    ]
    added = client.post(url, plan_post(rows, version=1, button="add"))
    assert len(added.context["formset"].rows) == 4
    assert partnership.actions.count() == 3


def test_an_empty_last_row_is_no_row(client, partnership, staff, url):
    client.force_login(staff)
    empty = action_row(activity="", responsible_name="")
    response = client.post(url, plan_post([action_row(activity="Viena"), empty], version=1))
    assert response.status_code == 302
    assert actions_of(partnership) == ["Viena"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"activity": ""}, "activity", "Enter the activity or action"),
        (
            {"responsible_name": ""},
            "responsible_user",
            "Choose the responsible person or type their name",
        ),
        ({"starts_on": "rīt"}, "starts_on", "Enter the start date as a real date"),
        ({"deadline": "31.02.2027"}, "deadline", "Enter the deadline as a real date"),
        (
            {"starts_on": "2027-03-01", "deadline": "2027-02-01"},
            "deadline",
            "The deadline must be on or after the start date",
        ),
        ({"deadline": "2027-02-01", "ongoing": "on"}, "deadline", "not both"),
        ({"status": "blocked"}, "blocked_reason", "Say why the activity is blocked"),
        ({"status": "forgotten"}, "status", "Choose a status"),
        ({"responsible_user": "999999"}, "responsible_user", "out of date"),
        ({"responsible_member": "x"}, "responsible_member", "out of date"),
        ({"responsible_name": "Anna\nBērziņa"}, "responsible_name", ""),
        ({"activity": "a" * 601}, "activity", ""),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_in_the_summary_and_changes_nothing(
    client, partnership, staff, url, three, changes, field, message
):
    client.force_login(staff)
    rows = [saved_action_row(three[0], **changes), saved_action_row(three[1])]
    response = client.post(url, plan_post(rows, version=1))
    assert response.status_code == 200
    errors = errors_of(response)[0]
    assert field in errors and message in " ".join(errors[field])
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "There is a problem" in html
    assert f'href="#id_actions-0-{field}"' in html
    assert actions_of(partnership) == ["Darbība 1", "Darbība 2", "Darbība 3"]
    assert not PartnershipEvent.objects.exclude(kind="created").exists()


def test_what_was_typed_stays_in_the_form_after_an_error(client, partnership, staff, url):
    client.force_login(staff)
    row = action_row(activity="Mana <b>rinda</b>", deadline="nav datums")
    response = client.post(url, plan_post([row], version=1))
    html = response.content.decode()
    assert "Mana &lt;b&gt;rinda&lt;/b&gt;" in html and "<b>rinda</b>" not in html
    assert 'value="nav datums"' in html


def test_a_row_cannot_depend_on_itself(client, partnership, staff, url, three):
    client.force_login(staff)
    rows = [saved_action_row(three[0], depends_on=three[0].pk)]
    response = client.post(url, plan_post(rows, version=1))
    assert "A row cannot depend on itself" in errors_of(response)[0]["depends_on"]


def test_rows_cannot_depend_on_each_other_in_a_circle(client, partnership, staff, url, three):
    client.force_login(staff)
    rows = [
        saved_action_row(three[0], depends_on=three[1].pk),
        saved_action_row(three[1], depends_on=three[2].pk),
        saved_action_row(three[2], depends_on=three[0].pk),
    ]
    response = client.post(url, plan_post(rows, version=1))
    assert response.status_code == 200
    assert "circle" in " ".join(errors_of(response)[0]["depends_on"])
    assert not partnership.actions.filter(depends_on__isnull=False).exists()


def test_a_chain_of_dependencies_is_saved(client, partnership, staff, url, three):
    client.force_login(staff)
    rows = [
        saved_action_row(three[0]),
        saved_action_row(three[1], depends_on=three[0].pk),
        saved_action_row(three[2], depends_on=three[1].pk),
        action_row(activity="Jauna", depends_on=three[2].pk),
    ]
    assert client.post(url, plan_post(rows, version=1)).status_code == 302
    assert partnership.actions.get(activity="Jauna").depends_on_id == three[2].pk
    assert ActionItem.objects.get(pk=three[2].pk).depends_on_id == three[1].pk


def test_a_row_cannot_depend_on_a_row_removed_in_the_same_save(
    client, partnership, staff, url, three
):
    client.force_login(staff)
    rows = [saved_action_row(three[1], depends_on=three[0].pk)]
    response = client.post(url, plan_post(rows, version=1))
    assert "removed" in " ".join(errors_of(response)[0]["depends_on"])
    assert partnership.actions.count() == 3


def test_another_partnerships_row_is_neither_a_dependency_nor_edited(
    client, partnership, staff, url, three
):
    elsewhere = ActionItemFactory(
        partnership=PartnershipFactory(municipality=partnership.municipality),
        activity="Svešā",
    )
    client.force_login(staff)
    depends = client.post(
        url, plan_post([saved_action_row(three[0], depends_on=elsewhere.pk)], version=1)
    )
    assert depends.status_code == 200
    assert "out of date" in " ".join(errors_of(depends)[0]["depends_on"])
    # Its id in the hidden field makes a new row of this plan; the other row is untouched.
    hijack = saved_action_row(three[0], id=elsewhere.pk, activity="Pārrakstīta")
    assert client.post(url, plan_post([hijack], version=1)).status_code == 302
    assert ActionItem.objects.get(pk=elsewhere.pk).activity == "Svešā"
    assert actions_of(partnership) == ["Pārrakstīta"]


def test_too_many_rows_is_an_error(client, partnership, staff, url):
    client.force_login(staff)
    rows = [action_row(activity=f"R{i}") for i in range(MAX_ACTION_ITEMS + 1)]
    response = client.post(url, plan_post(rows, version=1))
    assert response.status_code == 200
    assert f"Enter at most {MAX_ACTION_ITEMS} rows" in " ".join(
        response.context["formset"].non_form_errors()
    )
    assert not partnership.actions.exists()


@pytest.mark.parametrize(
    "garble",
    [
        {"actions-TOTAL_FORMS": "many"},
        {"actions-TOTAL_FORMS": ""},
        {"version": "new"},
        {"version": ""},
        {"actions-0-id": "abc"},
    ],
)
def test_a_garbled_management_form_version_or_row_id_is_a_form_error(
    client, partnership, staff, url, three, garble
):
    client.force_login(staff)
    data = plan_post([saved_action_row(three[0], activity="Nē")], version=1) | garble
    response = client.post(url, data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert actions_of(partnership) == ["Darbība 1", "Darbība 2", "Darbība 3"]


def test_a_missing_management_form_is_a_form_error(client, partnership, staff, url):
    client.force_login(staff)
    response = client.post(url, {"version": "1"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_row_twice_on_the_page_is_a_form_error(client, partnership, staff, url, three):
    client.force_login(staff)
    rows = [saved_action_row(three[0]), saved_action_row(three[0], activity="Kopija")]
    response = client.post(url, plan_post(rows, version=1))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert actions_of(partnership) == ["Darbība 1", "Darbība 2", "Darbība 3"]


def test_a_second_editor_sees_the_conflict_with_their_rows_and_keeps_what_they_typed(
    client, partnership, staff, representative, url, three
):
    client.force_login(representative)
    first = [saved_action_row(action) for action in three] + [action_row(activity="Pirmā")]
    assert client.post(url, plan_post(first, version=1)).status_code == 302
    client.force_login(staff)
    mine = [saved_action_row(three[0], activity="Mana versija")]
    response = client.post(url, plan_post(mine, version=1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved the action plan while you were editing" in html
    assert [action.activity for action in response.context["saved"]][-1] == "Pirmā"
    assert "Mana versija" in html
    assert response.context["version"].initial == {"version": 2}
    assert actions_of(partnership) == ["Darbība 1", "Darbība 2", "Darbība 3", "Pirmā"]
    # Having seen their rows, saving again replaces them.
    assert client.post(url, plan_post(mine, version=2)).status_code == 302
    assert actions_of(partnership) == ["Mana versija"]


def test_saving_an_unchanged_plan_records_nothing(client, partnership, staff, url, three):
    client.force_login(staff)
    rows = [saved_action_row(action) for action in three]
    assert client.post(url, plan_post(rows, version=1)).status_code == 302
    assert not PartnershipEvent.objects.exclude(kind="created").exists()
    assert Partnership.objects.get(pk=partnership.pk).actions_version == 1


def test_overdue_and_blocked_rows_are_labelled_in_words(client, partnership, staff, url):
    today = partnership.local_today()
    ActionItemFactory(
        partnership=partnership, activity="Nokavēta", deadline=today - datetime.timedelta(days=1)
    )
    ActionItemFactory(partnership=partnership, activity="Šodien", deadline=today)
    ActionItemFactory(
        partnership=partnership,
        activity="Pabeigta",
        deadline=today - datetime.timedelta(days=9),
        status="done",
    )
    ActionItemFactory(
        partnership=partnership, activity="Apturēta", status="blocked", blocked_reason="Nav <telpu>"
    )
    client.force_login(staff)
    response = client.get(url)
    saved = {action.activity: action for action in response.context["saved"]}
    assert [name for name, action in saved.items() if action.overdue] == ["Nokavēta"]
    html = response.content.decode()
    # In the table, and beside the row being edited.
    assert html.count(">Overdue<") == 2
    assert html.count("Blocked: Nav &lt;telpu&gt;") == 2


def test_overdue_is_measured_by_the_municipalitys_date(client, staff, partnership, url, settings):
    # 23:30 in UTC on 1 March is already 2 March in Riga: a deadline of 1 March is past.
    partnership.municipality.time_zone = "Europe/Riga"
    partnership.municipality.save()
    ActionItemFactory(partnership=partnership, deadline=datetime.date(2027, 3, 1))
    moment = datetime.datetime(2027, 3, 1, 23, 30, tzinfo=datetime.UTC)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        client.force_login(staff)
        response = client.get(url)
    assert response.context["saved"][0].overdue


def test_the_saved_plan_is_a_table_that_scrolls_inside_a_labelled_region(
    client, partnership, staff, url, three
):
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert 'class="table-responsive mb-4" tabindex="0" role="region"' in html
    assert 'aria-labelledby="saved-actions-caption"' in html


def test_an_outsider_and_a_representative_of_another_organization_get_404(
    client, partnership, outsider, other_representative, url
):
    for user in (outsider, other_representative):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, plan_post([action_row()], version=1)).status_code == 404
    assert not partnership.actions.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_other_methods_are_not_allowed(client, staff, url):
    client.force_login(staff)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


@pytest.mark.parametrize("count", [5, 30])
def test_the_page_takes_the_same_queries_however_many_rows(
    client, partnership, staff, url, django_assert_num_queries, count
):
    member = MemberFactory(partnership=partnership, role="implementing")
    for _ in range(count):
        ActionItemFactory(
            partnership=partnership, responsible_member=member, responsible_user=staff
        )
    client.force_login(staff)
    client.get(url)  # the session, once
    with django_assert_num_queries(QUERIES_GET):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [5, 30])
def test_saving_takes_the_same_queries_however_many_rows(
    client, partnership, staff, url, django_assert_num_queries, count
):
    actions = [ActionItemFactory(partnership=partnership) for _ in range(count)]
    rows = [saved_action_row(action, activity=f"Labota {action.pk}") for action in actions[1:]]
    rows.append(action_row(activity="Jauna"))
    client.force_login(staff)
    client.get(url)
    with django_assert_num_queries(QUERIES_SAVE):
        assert client.post(url, plan_post(rows, version=1)).status_code == 302


# The session and the user, the partnership and whether the user signs (access), the
# saved rows, the people, the partners; the same and the save's own on a POST (a removed
# row's links to the evaluation's KPIs go with it: one query).
QUERIES_GET = 8
QUERIES_SAVE = 20


def test_someone_responsible_who_has_left_stays_a_choice_for_their_rows(
    client, partnership, staff, url
):
    gone = UserFactory(full_name="Aizgājusī Darbiniece")
    action = ActionItemFactory(partnership=partnership, responsible_user=gone, responsible_name="")
    client.force_login(staff)
    response = client.get(url)
    choices = dict(response.context["formset"].forms[0].fields["responsible_user"].choices)
    assert choices[gone.pk] == "Aizgājusī Darbiniece"
    rows = [saved_action_row(action, goals="Jauns mērķis")]
    assert client.post(url, plan_post(rows, version=1)).status_code == 302
    assert ActionItem.objects.get(pk=action.pk).responsible_user == gone


def test_people_of_the_partnership_are_the_choices_and_nobody_else(
    client, partnership, staff, coordinator, representative, other_representative, url
):
    client.force_login(staff)
    response = client.get(url)
    choices = dict(response.context["formset"].empty_form.fields["responsible_user"].choices)
    assert {staff.pk, coordinator.pk, representative.pk} <= choices.keys()
    assert other_representative.pk not in choices


def test_a_plan_saved_from_check_your_answers_returns_there(client, partnership, staff, url):
    client.force_login(staff)
    response = client.post(f"{url}?from=check", plan_post([action_row()], version=1))
    assert response["Location"] == f"/en/partnerships/{partnership.pk}/check/"
