from html.parser import HTMLParser

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from roadmap_portal.lib.formsets import RowFormSet, unbound_copy


class ActionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    what = forms.CharField(label="What")
    who = forms.CharField(label="Who", required=False)


class BaseActionFormSet(RowFormSet):
    row_heading = "Action %(number)s"
    row_name = "action %(number)s"
    add_row_label = "Add another action"


ActionFormSet = forms.formset_factory(
    ActionForm, formset=BaseActionFormSet, extra=1, max_num=4, absolute_max=4, validate_max=True
)


def posted(rows, *, action=None, initial=0, total=None):
    data = {
        "actions-TOTAL_FORMS": str(len(rows) if total is None else total),
        "actions-INITIAL_FORMS": str(initial),
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"actions-{index}-{name}"] = value
    if action:
        data["actions-row"] = action
    return data


ROWS = [
    {"id": "11", "what": "Telpas", "who": "Dome"},
    {"id": "12", "what": "Nometne", "who": ""},
    {"id": "13", "what": "Brīvprātīgie", "who": "Biedrība"},
]


def values(formset):
    return [(form.initial.get("id"), form.initial.get("what")) for form in formset.forms]


class Page(HTMLParser):
    """The inputs, textareas and buttons a browser would see."""

    def __init__(self, html):
        super().__init__()
        self.fields, self.buttons, self.ids = {}, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "input":
            self.fields[attrs["name"]] = attrs.get("value", "")
        if tag == "button":
            self.buttons.append(attrs)


def rendered(formset):
    return render_to_string(
        "tests/formset_page.html",
        {"formset": formset},
        request=RequestFactory().post("/en/register/"),
    )


@pytest.fixture(autouse=True)
def page_template(settings, tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "formset_page.html").write_text(
        "{{ formset.management_form }}<div id='{{ formset.rows_anchor }}'>"
        "{% for row in formset.rows %}<div id='{{ row.anchor }}'><h3>{{ row.heading }}</h3>"
        "{{ row.form.as_div }}{% include 'includes/formset_row_buttons.html' %}</div>"
        "{% endfor %}{% include 'includes/formset_add_row.html' %}</div>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_no_row_button_pressed_is_no_row_action():
    assert ActionFormSet.with_row_action({}, prefix="actions") is None
    assert ActionFormSet.with_row_action(None, prefix="actions") is None
    assert ActionFormSet.with_row_action(posted(ROWS), prefix="actions") is None


def test_add_keeps_what_was_typed_and_adds_one_empty_row_with_no_errors():
    changed = ActionFormSet.with_row_action(posted(ROWS[:2], action="add"), prefix="actions")
    assert not changed.is_bound
    assert values(changed) == [("11", "Telpas"), ("12", "Nometne"), (None, None)]
    page = Page(rendered(changed))
    assert page.fields["actions-TOTAL_FORMS"] == "3"
    assert page.fields["actions-1-id"] == "12"
    assert "errorlist" not in rendered(changed)


def test_add_lands_on_the_new_rows_first_field():
    before = ActionFormSet.with_row_action(posted(ROWS[:2], action="-"), prefix="actions")
    add = [b["formaction"] for b in Page(rendered(before)).buttons if b["value"] == "add"]
    assert add == ["#id_actions-2-what"]  # the first field a person sees, not the hidden id
    changed = ActionFormSet.with_row_action(posted(ROWS[:2], action="add"), prefix="actions")
    assert "id_actions-2-what" in Page(rendered(changed)).ids


def test_the_page_posts_back_what_was_typed_and_an_added_row_may_stay_empty():
    changed = ActionFormSet.with_row_action(posted(ROWS[:1], action="add"), prefix="actions")
    page = Page(rendered(changed))
    saved = ActionFormSet(page.fields, prefix="actions")  # the page posted as it is
    assert saved.is_valid(), saved.errors
    assert [form.cleaned_data.get("what") for form in saved.forms] == ["Telpas", None]


def test_add_stops_at_max_num():
    full = [{"what": f"Darbs {n}"} for n in range(4)]
    changed = ActionFormSet.with_row_action(posted(full, action="add"), prefix="actions")
    assert len(changed.forms) == 4
    assert not changed.can_add_row
    assert "Add another action" not in rendered(changed)


def test_remove_takes_the_row_out_with_its_values():
    changed = ActionFormSet.with_row_action(
        posted(ROWS, action="remove-1", initial=3), prefix="actions"
    )
    assert values(changed) == [("11", "Telpas"), ("13", "Brīvprātīgie")]
    assert changed.initial_form_count() == 2
    assert [form.initial["who"] for form in changed.forms] == ["Dome", "Biedrība"]


def test_removing_an_added_row_keeps_the_saved_ones_initial():
    changed = ActionFormSet.with_row_action(
        posted(ROWS, action="remove-2", initial=2), prefix="actions"
    )
    assert changed.initial_form_count() == 2
    assert values(changed) == [("11", "Telpas"), ("12", "Nometne")]


def test_removing_the_only_row_leaves_none_and_lands_on_the_rows():
    changed = ActionFormSet.with_row_action(posted(ROWS[:1], action="remove-0"), prefix="actions")
    assert changed.forms == []
    page = Page(rendered(changed))
    assert page.fields["actions-TOTAL_FORMS"] == "0"
    add = [b for b in page.buttons if b["value"] == "add"]
    assert add and add[0]["formaction"] == "#id_actions-0-what"


def test_move_up_and_down_swap_rows_with_their_hidden_ids():
    up = ActionFormSet.with_row_action(posted(ROWS, action="up-2"), prefix="actions")
    assert values(up) == [("11", "Telpas"), ("13", "Brīvprātīgie"), ("12", "Nometne")]
    down = ActionFormSet.with_row_action(posted(ROWS, action="down-0"), prefix="actions")
    assert values(down) == [("12", "Nometne"), ("11", "Telpas"), ("13", "Brīvprātīgie")]


def test_each_button_lands_where_its_change_is_and_that_element_exists_afterwards():
    before = Page(
        rendered(ActionFormSet.with_row_action(posted(ROWS, action="-"), prefix="actions"))
    )
    for button in before.buttons:
        after = ActionFormSet.with_row_action(
            posted(ROWS, action=button["value"]), prefix="actions"
        )
        assert button["formaction"].removeprefix("#") in Page(rendered(after)).ids, button


def test_each_row_has_the_buttons_that_do_something_named_by_its_number():
    changed = ActionFormSet.with_row_action(posted(ROWS, action="nothing"), prefix="actions")
    buttons = Page(rendered(changed)).buttons
    # Moved: the same button of the row where it went (the other one at either end).
    assert [(b["value"], b["formaction"]) for b in buttons] == [
        ("down-0", "#actions-row-1-down"),
        ("remove-0", "#actions-row-0"),
        ("up-1", "#actions-row-0-down"),
        ("down-1", "#actions-row-2-up"),
        ("remove-1", "#actions-row-1"),
        ("up-2", "#actions-row-1-up"),
        ("remove-2", "#actions-row-1"),
        ("add", "#id_actions-3-what"),
    ]
    assert all(b["type"] == "submit" and "formnovalidate" in b for b in buttons)
    assert all(b["name"] == "actions-row" for b in buttons)
    html = rendered(changed)
    # A short visible label; the row it is for said to screen readers.
    assert 'Move up<span class="visually-hidden"> action 2</span>' in html
    assert 'Remove<span class="visually-hidden"> action 3</span>' in html
    assert ">Action 1<" in html


@pytest.mark.parametrize(
    "action", ["up-0", "down-2", "remove-3", "remove-", "up-x", "remove--1", "sideways-1"]
)
def test_a_button_that_cannot_apply_changes_nothing(action):
    changed = ActionFormSet.with_row_action(posted(ROWS, action=action), prefix="actions")
    assert values(changed) == [("11", "Telpas"), ("12", "Nometne"), ("13", "Brīvprātīgie")]


def test_a_broken_or_oversized_management_form_is_bounded():
    broken = ActionFormSet.with_row_action(
        {"actions-TOTAL_FORMS": "many", "actions-row": "add"}, prefix="actions"
    )
    assert len(broken.forms) == 1
    huge = ActionFormSet.with_row_action(
        posted(ROWS, total=10_000, initial=-5, action="down-0"), prefix="actions"
    )
    assert len(huge.forms) == 4  # absolute_max
    assert huge.initial_form_count() == 0


def test_a_formset_without_moves_shows_no_move_buttons():
    class FixedOrder(BaseActionFormSet):
        can_move_rows = False

    formset_class = forms.formset_factory(ActionForm, formset=FixedOrder, max_num=4)
    changed = formset_class.with_row_action(posted(ROWS, action="up-1"), prefix="actions")
    assert values(changed)[0] == ("11", "Telpas")
    assert [b["value"] for b in Page(rendered(changed)).buttons][:2] == ["remove-0", "remove-1"]


def test_an_ordinary_unbound_formset_is_unchanged():
    formset = ActionFormSet(prefix="actions")
    assert formset.total_form_count() == 1 and not formset.is_bound
    assert [b["value"] for b in Page(rendered(formset)).buttons] == ["remove-0", "add"]


def test_the_rest_of_the_page_is_shown_as_typed_and_unjudged():
    data = {"plan-what": "", "plan-who": "Dome", "plan-id": "x"}
    copy = unbound_copy(ActionForm, data, prefix="plan")
    assert not copy.is_bound and copy.errors == {}
    assert copy.initial == {"id": "x", "what": "", "who": "Dome"}
    assert 'value="Dome"' in copy.as_div()
