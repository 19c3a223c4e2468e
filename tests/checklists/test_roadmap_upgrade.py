import pytest
from django.utils import translation

from checklists.models import Answer, RemovedAnswer, Roadmap, RoadmapEvent, upgrade_plan
from checklists.services import (
    CheckpointRemoved,
    UpgradeRefused,
    answer_save,
    roadmap_complete,
    roadmap_start,
    roadmap_upgrade,
)
from orgs.sides import Side
from roadmap_portal.lib.locking import Conflict

from .versions import checkpoint_of, version_two

pytestmark = pytest.mark.django_db


def answer(roadmap, code):
    return roadmap.answers.select_related("checkpoint__step").get(checkpoint__code=code)


def write(roadmap, code, text, actor):
    current = answer(roadmap, code)
    return answer_save(
        answer=current,
        values={"text": text, "status": Answer.Status.IN_PROGRESS},
        actor=actor,
        version=current.version,
    )


def upgrade(roadmap, actor, to_version):
    roadmap = Roadmap.objects.get(pk=roadmap.pk)
    return roadmap_upgrade(
        roadmap=roadmap, actor=actor, to_version=to_version, lock_version=roadmap.lock_version
    )


def codes(checkpoints):
    return [checkpoint.code for checkpoint in checkpoints]


def test_the_plan_compares_the_checkpoints_by_code(
    municipal_roadmap, staff, publish_version, django_assert_num_queries
):
    write(municipal_roadmap, "2.3", "Sociālais dienests.", staff)
    two = publish_version(version_two)
    with django_assert_num_queries(2):  # the new version's checkpoints, the answers
        plan = upgrade_plan(municipal_roadmap, two)
    assert [new.code for _old, new in plan.changed] == ["1.2"]
    assert codes(plan.new) == ["2.7"]
    assert [a.checkpoint.code for a in plan.removed] == ["2.3"]
    assert [a.checkpoint.code for a in plan.removed_kept] == ["2.3"]
    assert len(plan.carried) == 10


def test_a_removed_checkpoint_never_answered_is_not_flagged(municipal_roadmap, publish_version):
    plan = upgrade_plan(municipal_roadmap, publish_version(version_two))
    assert [a.checkpoint.code for a in plan.removed] == ["2.3"]
    assert plan.removed_kept == []


def test_answers_move_to_the_new_checkpoints_of_their_code(
    municipal_roadmap, staff, publish_version
):
    saved = write(municipal_roadmap, "1.2", "Trūkst dienas centra.", staff)
    two = publish_version(version_two)
    upgrade(municipal_roadmap, staff, two)

    moved = answer(municipal_roadmap, "1.2")
    assert moved.pk == saved.pk
    assert moved.checkpoint.step.version == two
    assert moved.text == "Trūkst dienas centra."
    assert moved.status == Answer.Status.IN_PROGRESS
    assert moved.version == saved.version  # an editor's open page still saves
    assert moved.revisions.count() == 1
    with translation.override("en"):
        assert moved.checkpoint.statement == "Describe the problem you solve"
    roadmap = Roadmap.objects.get(pk=municipal_roadmap.pk)
    assert roadmap.version == two
    assert not roadmap.answers.exclude(checkpoint__step__version=two).exists()


def test_a_removed_checkpoints_answer_leaves_the_roadmap_for_its_history(
    municipal_roadmap, staff, publish_version
):
    write(municipal_roadmap, "2.3", "Sociālais dienests.", staff)
    write(municipal_roadmap, "2.3", "Sociālais dienests un skola.", staff)
    old_checkpoint = answer(municipal_roadmap, "2.3").checkpoint
    two = publish_version(version_two)
    upgrade(municipal_roadmap, staff, two)

    assert not municipal_roadmap.answers.filter(checkpoint__code="2.3").exists()
    event = municipal_roadmap.events.get(kind=RoadmapEvent.Kind.UPGRADED)
    assert event.actor == staff
    assert event.template_version == two
    removed = RemovedAnswer.objects.get()
    assert removed.roadmap == municipal_roadmap
    assert removed.event == event
    assert removed.checkpoint == old_checkpoint
    assert removed.content["code"] == "2.3"
    assert removed.content["text"] == "Sociālais dienests un skola."
    assert removed.content["status"] == Answer.Status.IN_PROGRESS
    assert [r["content"]["text"] for r in removed.content["revisions"]] == [
        "Sociālais dienests un skola.",
        "Sociālais dienests.",
    ]
    assert removed.is_intact


def test_a_removed_checkpoint_nobody_touched_leaves_nothing_in_the_history(
    municipal_roadmap, staff, publish_version
):
    upgrade(municipal_roadmap, staff, publish_version(version_two))
    assert not municipal_roadmap.answers.filter(checkpoint__code="2.3").exists()
    assert not RemovedAnswer.objects.exists()


def test_new_checkpoints_start_empty(municipal_roadmap, staff, publish_version):
    two = publish_version(version_two)
    upgrade(municipal_roadmap, staff, two)
    added = answer(municipal_roadmap, "2.7")
    assert added.status == Answer.Status.NOT_STARTED
    assert added.text == ""
    assert added.updated_at is None
    assert (
        municipal_roadmap.answers.count()
        == two.steps.filter(checkpoints__form=Side.MUNICIPALITY).count()
    )


def test_the_move_bumps_the_roadmaps_lock(municipal_roadmap, staff, publish_version):
    before = Roadmap.objects.get(pk=municipal_roadmap.pk).lock_version
    upgrade(municipal_roadmap, staff, publish_version(version_two))
    assert Roadmap.objects.get(pk=municipal_roadmap.pk).lock_version == before + 1


def test_a_move_from_a_page_loaded_before_another_move_is_refused_and_changes_nothing(
    municipal_roadmap, staff, coordinator, publish_version
):
    loaded = Roadmap.objects.get(pk=municipal_roadmap.pk).lock_version
    two = publish_version(version_two)
    upgrade(municipal_roadmap, coordinator, two)
    three = publish_version(
        lambda data: checkpoint_of(data, "1.1")["statement"]["municipality"].update(en="New"),
        number=3,
    )
    with pytest.raises(Conflict):
        roadmap_upgrade(
            roadmap=municipal_roadmap, actor=staff, to_version=three, lock_version=loaded
        )
    roadmap = Roadmap.objects.get(pk=municipal_roadmap.pk)
    assert roadmap.version == two
    assert roadmap.lock_version == loaded + 1
    assert roadmap.events.filter(kind=RoadmapEvent.Kind.UPGRADED).count() == 1
    assert not roadmap.answers.filter(checkpoint__step__version=three).exists()


def test_a_move_to_the_same_or_an_older_version_is_refused(
    template, municipality, staff, publish_version
):
    two = publish_version(version_two)
    roadmap = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="B", actor=staff)
    assert roadmap.version == two
    for version in (two, template):
        with translation.override("en"), pytest.raises(UpgradeRefused, match="on version 2"):
            upgrade(roadmap, staff, version)
    roadmap.refresh_from_db()
    assert roadmap.version == two
    assert roadmap.answers.filter(checkpoint__code="2.7").exists()
    assert not roadmap.events.filter(kind=RoadmapEvent.Kind.UPGRADED).exists()


def only_the_municipality_form(data):
    for step in data["steps"]:
        step["checkpoints"] = [c for c in step["checkpoints"] if "municipality" in c["forms"]]
        for checkpoint in step["checkpoints"]:
            checkpoint["forms"] = ["municipality"]


def test_a_version_without_the_roadmaps_form_is_refused(
    community_roadmap, representative, publish_version
):
    two = publish_version(only_the_municipality_form)
    assert Roadmap.objects.with_owner().get(pk=community_roadmap.pk).newer_version() is None
    with translation.override("en"), pytest.raises(UpgradeRefused, match="no checkpoints"):
        upgrade(community_roadmap, representative, two)
    assert community_roadmap.answers.count() == 13
    assert not community_roadmap.answers.exclude(checkpoint__step__version__number=1).exists()


def test_a_completed_roadmap_is_reopened_before_it_moves(municipal_roadmap, staff, publish_version):
    for current in municipal_roadmap.answers.all():
        answer_save(
            answer=current,
            values={"status": Answer.Status.NOT_APPLICABLE, "not_applicable_reason": "Nav."},
            actor=staff,
            version=current.version,
        )
    roadmap_complete(roadmap=municipal_roadmap, actor=staff)
    two = publish_version(version_two)
    with translation.override("en"), pytest.raises(UpgradeRefused, match="reopen it"):
        upgrade(municipal_roadmap, staff, two)
    assert Roadmap.objects.get(pk=municipal_roadmap.pk).version.number == 1


def test_the_newest_newer_version_is_offered(municipal_roadmap, publish_version):
    roadmap = Roadmap.objects.with_owner().get(pk=municipal_roadmap.pk)
    assert roadmap.newer_version() is None
    publish_version(version_two)
    three = publish_version(version_two, number=3)
    assert roadmap.newer_version() == three


def test_a_save_that_waited_for_the_move_of_its_removed_checkpoint_is_refused_clearly(
    municipal_roadmap, staff, publish_version
):
    stale = answer(municipal_roadmap, "2.3")  # the page was opened before the move
    upgrade(municipal_roadmap, staff, publish_version(version_two))
    with pytest.raises(CheckpointRemoved):
        answer_save(answer=stale, values={"text": "Vēlu"}, actor=staff, version=stale.version)
    assert not Answer.objects.filter(pk=stale.pk).exists()


def test_a_version_reworded_only_in_greek_flags_the_checkpoint_to_greek_readers_only(
    municipal_roadmap, publish_version
):
    def greek_only(data):
        for form in ("municipality", "community"):
            checkpoint_of(data, "1.3")["statement"][form]["el"] = "Νέα διατύπωση"

    two = publish_version(greek_only)
    for language, changed in [("lv", []), ("en", []), ("el", ["1.3"])]:
        with translation.override(language):
            plan = upgrade_plan(municipal_roadmap, two)
        assert [new.code for _old, new in plan.changed] == changed, language
