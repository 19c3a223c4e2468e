"""What changed between two contents (content.content_changes), and the names of their
codes (content.content_labels)."""

import copy

import pytest
from django.utils import translation

from actionplans.content import content_changes, content_labels, partnership_content
from orgs.models import NeedKind, TargetGroup
from tests.factories import ActionItemFactory, MemberFactory, PartnershipFactory


def content(**partnership):
    return {
        "format": 1,
        "partnership": {
            "title": "Atelpas brīži",
            "shared_result": "Rezultāts",
            "target_groups": ["children"],
            "needs": {},
            "starts_on": None,
            **partnership,
        },
        "members": [
            {
                "role": "lead_municipality",
                "name": "Talsi",
                "organization_id": None,
                "municipality_id": 1,
            },
            {
                "role": "signatory",
                "name": "Brīnumiņš",
                "organization_id": 7,
                "municipality_id": None,
            },
        ],
        "actions": [
            {
                "number": 1,
                "activity": "Pirmā",
                "goals": "",
                "starts_on": None,
                "deadline": "2026-03-01",
                "ongoing": False,
                "responsible": "Anna",
                "responsible_partner": "",
                "depends_on": None,
            },
            {
                "number": 2,
                "activity": "Otrā",
                "goals": "",
                "starts_on": None,
                "deadline": None,
                "ongoing": True,
                "responsible": "Jānis",
                "responsible_partner": "",
                "depends_on": 1,
            },
        ],
        "communications": [
            {
                "number": 1,
                "subject": "Ziņas",
                "audience": "Vecāki",
                "sender": "",
                "channel": "",
                "frequency": "",
                "format": "",
                "escalation": "",
            },
        ],
    }


def test_the_same_content_has_no_changes():
    changes = content_changes(content(), content())
    assert not changes["any"]
    assert changes["partnership"] == []
    assert changes["actions"] == {"added": [], "removed": [], "changed": []}


def test_partnership_fields_are_compared_one_by_one_with_old_and_new_values():
    changes = content_changes(content(), content(title="Jauns", target_groups=["elderly"]))
    assert changes["any"]
    assert changes["partnership"] == [
        {"field": "title", "old": "Atelpas brīži", "new": "Jauns"},
        {"field": "target_groups", "old": ["children"], "new": ["elderly"]},
    ]


def test_rows_added_removed_and_changed_are_told_apart():
    before, after = content(), content()
    after["actions"][0]["deadline"] = "2026-04-01"
    after["actions"].append({**before["actions"][0], "number": 3, "activity": "Trešā"})
    after["communications"] = []
    after["members"][1]["role"] = "funding"
    changes = content_changes(before, after)
    (changed,) = changes["actions"]["changed"]
    assert changed["fields"] == [{"field": "deadline", "old": "2026-03-01", "new": "2026-04-01"}]
    assert [row["activity"] for row in changes["actions"]["added"]] == ["Trešā"]
    assert [row["subject"] for row in changes["communications"]["removed"]] == ["Ziņas"]
    # A partner in another role is another row: one removed, one added.
    assert [row["role"] for row in changes["members"]["removed"]] == ["signatory"]
    assert [row["role"] for row in changes["members"]["added"]] == ["funding"]


def test_a_row_moved_up_is_not_a_change_of_every_row_but_of_what_refers_to_it():
    before = content()
    after = copy.deepcopy(before)
    first, second = after["actions"]
    after["actions"] = [{**second, "number": 1, "depends_on": 2}, {**first, "number": 2}]
    changes = content_changes(before, after)
    assert changes["actions"]["added"] == [] and changes["actions"]["removed"] == []
    (changed,) = changes["actions"]["changed"]
    assert changed["new"]["activity"] == "Otrā"
    assert changed["fields"] == [{"field": "depends_on", "old": 1, "new": 2}]


def test_a_renamed_partner_is_a_changed_row():
    before, after = content(), content()
    after["members"][1]["name"] = "Brīnumiņš un draugi"
    (changed,) = content_changes(before, after)["members"]["changed"]
    assert changed["fields"] == [
        {"field": "name", "old": "Brīnumiņš", "new": "Brīnumiņš un draugi"}
    ]


@pytest.mark.django_db
def test_labels_name_the_codes_in_the_active_language_with_one_query_per_taxonomy(
    django_assert_num_queries, settings
):
    TargetGroup.objects.create(slug="test-children", name_en="Children", name_lv="Bērni")
    NeedKind.objects.create(slug="test-premises", name_en="Premises", name_lv="Telpas")
    value = content(
        target_groups=["test-children"],
        needs={"test-premises": "Zāle"},
        cooperation_forms=["grants"],
    )
    with translation.override("lv"), django_assert_num_queries(2):
        labels = content_labels(value)
    assert labels["target_groups"] == {"test-children": "Bērni"}
    assert labels["needs"] == {"test-premises": "Telpas"}
    with translation.override("en"):
        labels = content_labels(value)
    assert labels["target_groups"] == {"test-children": "Children"}
    assert labels["cooperation_forms"]["grants"] == "Sponsorship, grants and subsidies"
    assert labels["roles"]["signatory"] == "Signatory"


@pytest.mark.django_db
def test_a_real_partnerships_content_against_its_edited_self(municipality):
    partnership = PartnershipFactory(municipality=municipality)
    MemberFactory(partnership=partnership)
    ActionItemFactory(partnership=partnership, activity="Pirmā")
    before = partnership_content(partnership)
    ActionItemFactory(partnership=partnership, activity="Otrā")
    changes = content_changes(before, partnership_content(partnership))
    assert [row["activity"] for row in changes["actions"]["added"]] == ["Otrā"]
    assert changes["members"] == {"added": [], "removed": [], "changed": []}
