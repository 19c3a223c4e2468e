from checklists.models import FORM_NAMES, Checkpoint, Roadmap
from orgs.sides import Side


def test_the_stored_values_are_those_the_roadmaps_always_had():
    assert Side.values == ["municipality", "community"]


def test_the_roadmap_has_one_form_per_side():
    assert set(FORM_NAMES) == set(Side)
    for model in (Roadmap, Checkpoint):
        assert model._meta.get_field("form").choices == Side.choices
