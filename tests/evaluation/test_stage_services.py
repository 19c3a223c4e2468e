"""Writing evaluation stages (evaluation.services: stage_create, stage_save, stage_delete)."""

from datetime import date

import pytest

from evaluation import services
from evaluation.models import MAX_STAGES, EvaluationEvent, EvaluationStage
from roadmap_portal.lib.locking import Conflict
from tests.factories import EvaluationStageFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def values(**changes):
    return {
        "name": "Vidusposma izvērtēšana",
        "kind": EvaluationStage.Kind.MILESTONE,
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2027, 3, 31),
        "status": EvaluationStage.Status.PLANNED,
        "subjects": ["communication", "coordination"],
        "questions": "Vai ģimenes saņem atelpu?",
        "findings": "",
        "responsible_user_id": None,
        "responsible_member_id": None,
    } | changes


def test_a_stage_is_created_with_an_event(partnership, staff):
    stage = services.stage_create(partnership=partnership, values=values(), actor=staff)
    assert (stage.partnership, stage.name, stage.subjects) == (
        partnership,
        "Vidusposma izvērtēšana",
        ["communication", "coordination"],
    )
    event = EvaluationEvent.objects.get(partnership=partnership)
    assert (event.kind, event.actor, event.subject) == ("stage", staff, stage.name)


def test_no_more_than_the_most_stages_are_created(partnership, staff):
    EvaluationStageFactory.create_batch(MAX_STAGES, partnership=partnership)
    with pytest.raises(services.EvaluationError):
        services.stage_create(partnership=partnership, values=values(), actor=staff)
    assert partnership.evaluation_stages.count() == MAX_STAGES


def test_a_save_at_the_loaded_version_changes_the_stage_and_records_what_changed(
    partnership, staff
):
    stage = EvaluationStageFactory(partnership=partnership)
    saved = services.stage_save(
        stage=stage, values=values(status="done"), version=stage.version, actor=staff
    )
    assert saved.status == "done"
    assert saved.version == stage.version + 1
    event = EvaluationEvent.objects.get(partnership=partnership)
    assert event.fields["changed"]["status"] == {"old": "planned", "new": "done"}


def test_a_save_at_an_older_version_is_a_conflict_and_changes_nothing(partnership, staff):
    stage = EvaluationStageFactory(partnership=partnership, name="Sākums")
    services.stage_save(stage=stage, values=values(name="Pirmā"), version=1, actor=staff)
    with pytest.raises(Conflict) as raised:
        services.stage_save(stage=stage, values=values(name="Otrā"), version=1, actor=staff)
    assert raised.value.current.name == "Pirmā"
    stage.refresh_from_db()
    assert stage.name == "Pirmā"


def test_an_unchanged_save_keeps_the_version_and_records_nothing(partnership, staff):
    stage = services.stage_create(partnership=partnership, values=values(), actor=staff)
    services.stage_save(stage=stage, values=values(), version=stage.version, actor=staff)
    stage.refresh_from_db()
    assert stage.version == 1
    assert EvaluationEvent.objects.filter(partnership=partnership).count() == 1


def test_removing_a_stage_keeps_its_evidence_without_a_stage(partnership, staff):
    stage = EvaluationStageFactory(partnership=partnership)
    evidence = EvidenceFactory(partnership=partnership, stage=stage)
    stage.partnership = partnership
    services.stage_delete(stage=stage, actor=staff)
    assert not EvaluationStage.objects.filter(pk=stage.pk).exists()
    evidence.refresh_from_db()
    assert evidence.stage is None
    assert EvaluationEvent.objects.get(partnership=partnership).kind == "stage_deleted"
