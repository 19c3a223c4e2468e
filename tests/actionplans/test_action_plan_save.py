import pytest

from actionplans.models import ActionItem, PartnershipEvent
from actionplans.services import ACTION_VALUES, action_plan_save
from roadmap_portal.lib.locking import Conflict
from tests.factories import ActionItemFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def row(action=None, **values):
    """A row as ActionFormSet.plan_rows() gives it."""
    base = {name: getattr(action, name) if action else None for name in ACTION_VALUES}
    if action is None:
        base.update(
            activity="Jauna",
            responsible_name="Anna",
            goals="",
            status="not_started",
            blocked_reason="",
            ongoing=False,
        )
    return {"id": action.pk if action else None, **base, **values}


def test_the_rows_are_saved_in_their_order_and_the_version_bumped(partnership, staff):
    first, second = (ActionItemFactory(partnership=partnership) for _ in range(2))
    result = action_plan_save(
        partnership=partnership,
        rows=[row(second), row(activity="Trešā"), row(first, goals="Jauns mērķis")],
        version=1,
        actor=staff,
    )
    assert (result.added, result.changed, result.moved, result.removed) == (1, 1, 1, 0)
    assert list(partnership.actions.order_by("position").values_list("pk", "position")) == [
        (second.pk, 0),
        (partnership.actions.get(activity="Trešā").pk, 1),
        (first.pk, 2),
    ]
    assert partnership.actions_version == 2
    partnership.refresh_from_db()
    assert (partnership.actions_version, partnership.version) == (2, 1)


def test_a_save_at_an_older_version_is_a_conflict_and_writes_nothing(partnership, staff):
    action = ActionItemFactory(partnership=partnership)
    action_plan_save(partnership=partnership, rows=[], version=1, actor=staff)
    assert not partnership.actions.exists()
    with pytest.raises(Conflict) as raised:
        action_plan_save(partnership=partnership, rows=[row(action)], version=1, actor=staff)
    assert raised.value.current.actions_version == 2
    assert not partnership.actions.exists()
    assert PartnershipEvent.objects.exclude(kind="created").count() == 1


def test_an_id_that_is_not_one_of_the_plans_rows_is_a_conflict(partnership, staff):
    elsewhere = ActionItemFactory(partnership=PartnershipFactory())
    with pytest.raises(Conflict):
        action_plan_save(partnership=partnership, rows=[row(elsewhere)], version=1, actor=staff)
    assert ActionItem.objects.get(pk=elsewhere.pk).partnership_id != partnership.pk


def test_removing_a_row_another_depends_on_leaves_the_other_without_a_dependency(
    partnership, staff
):
    first = ActionItemFactory(partnership=partnership)
    second = ActionItemFactory(partnership=partnership, depends_on=first)
    result = action_plan_save(
        partnership=partnership, rows=[row(second, depends_on_id=None)], version=1, actor=staff
    )
    assert result.removed == 1 and result.changed == 1
    assert ActionItem.objects.get(pk=second.pk).depends_on_id is None


def test_the_event_counts_what_changed(partnership, staff):
    keep, drop = (
        ActionItemFactory(partnership=partnership, position=0),
        ActionItemFactory(partnership=partnership),
    )
    action_plan_save(
        partnership=partnership, rows=[row(keep), row(), row()], version=1, actor=staff
    )
    event = PartnershipEvent.objects.exclude(kind="created").get()
    assert (event.kind, event.actor, event.fields) == (
        PartnershipEvent.Kind.ACTIONS_SAVED,
        staff,
        {"added": 2, "changed": 0, "moved": 0, "removed": 1},
    )
    assert not ActionItem.objects.filter(pk=drop.pk).exists()
