import json

import pytest
from django.conf import settings
from django.utils import translation

from orgs.models import FieldOfActivity, NeedKind, TargetGroup
from orgs.taxonomies import TAXONOMIES_PATH

pytestmark = pytest.mark.django_db


def test_the_migration_loads_every_taxonomy_entry_of_the_fixture():
    data = json.loads(TAXONOMIES_PATH.read_text(encoding="utf-8"))
    for key, model in [
        ("fields_of_activity", FieldOfActivity),
        ("target_groups", TargetGroup),
        ("need_kinds", NeedKind),
    ]:
        assert sorted(model.objects.values_list("slug", flat=True)) == sorted(
            entry["slug"] for entry in data[key]
        )


def test_the_seven_kinds_of_need_of_roadmap_step_1_3_are_there():
    assert list(NeedKind.objects.values_list("slug", flat=True)) == [
        "resources",
        "knowledge",
        "consultation",
        "funding",
        "capacity-building",
        "promotion",
        "premises-equipment",
    ]


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_entry_is_named_in_every_portal_language(code):
    for model in (FieldOfActivity, TargetGroup, NeedKind):
        assert not model.objects.filter(**{f"name_{code}": ""}).exists()
    with translation.override(code):
        funding = NeedKind.objects.get(slug="funding")
        assert funding.name == getattr(funding, f"name_{code}")
