"""Writing evidence (evaluation.services: evidence_create, evidence_save, evidence_delete)."""

from datetime import date

import pytest

from evaluation import services
from evaluation.models import MAX_EVIDENCE, EvaluationEvent, Evidence, EvidenceFile
from roadmap_portal.lib import uploads
from roadmap_portal.lib.locking import Conflict
from tests.factories import EvidenceFactory

from .uploads import PDF, PNG, upload

pytestmark = pytest.mark.django_db


def values(**changes):
    return {
        "method": Evidence.Method.SURVEY,
        "title": "Ģimeņu aptauja",
        "gathered_on": date(2027, 4, 2),
        "summary": "Ģimenes ir apmierinātas.",
        "participants": 48,
        "stage_id": None,
    } | changes


def checked(name, content):
    return uploads.check_upload(upload(name, content), limit=10**6)


def test_evidence_is_created_with_its_file_and_an_event(partnership, staff):
    evidence = services.evidence_create(
        partnership=partnership,
        values=values(),
        upload=checked("aptauja.pdf", PDF),
        actor=staff,
    )
    assert (evidence.title, evidence.participants, evidence.added_by) == (
        "Ģimeņu aptauja",
        48,
        staff,
    )
    stored = EvidenceFile.objects.get(evidence=evidence)
    assert (stored.name, stored.content_type, stored.size, bytes(stored.content)) == (
        "aptauja.pdf",
        "application/pdf",
        len(PDF),
        PDF,
    )
    event = EvaluationEvent.objects.get(partnership=partnership)
    assert (event.kind, event.fields["file"]) == ("evidence", "aptauja.pdf")


def test_no_more_than_the_most_evidence_is_created(partnership, staff):
    EvidenceFactory.create_batch(MAX_EVIDENCE, partnership=partnership)
    with pytest.raises(services.EvaluationError):
        services.evidence_create(partnership=partnership, values=values(), actor=staff)
    assert partnership.evidence.count() == MAX_EVIDENCE


def test_a_save_replaces_keeps_or_removes_the_file(partnership, staff):
    evidence = services.evidence_create(
        partnership=partnership, values=values(), upload=checked("a.pdf", PDF), actor=staff
    )
    evidence = services.evidence_save(
        evidence=evidence, values=values(title="Jauns"), version=1, actor=staff
    )
    assert EvidenceFile.objects.get(evidence=evidence).name == "a.pdf"  # kept
    evidence = services.evidence_save(
        evidence=evidence,
        values=values(title="Jauns"),
        version=evidence.version,
        file_action=services.REPLACE,
        upload=checked("b.png", PNG),
        actor=staff,
    )
    replaced = EvidenceFile.objects.get(evidence=evidence)
    assert (replaced.name, replaced.content_type) == ("b.png", "image/png")
    services.evidence_save(
        evidence=evidence,
        values=values(title="Jauns"),
        version=evidence.version,
        file_action=services.REMOVE,
        actor=staff,
    )
    assert not EvidenceFile.objects.filter(evidence=evidence).exists()
    evidence.refresh_from_db()
    assert evidence.version == 4


def test_a_save_at_an_older_version_is_a_conflict_and_changes_nothing(partnership, staff):
    evidence = EvidenceFactory(partnership=partnership, title="Pirmā")
    services.evidence_save(evidence=evidence, values=values(title="Otrā"), version=1, actor=staff)
    with pytest.raises(Conflict):
        services.evidence_save(
            evidence=evidence,
            values=values(title="Trešā"),
            version=1,
            file_action=services.REPLACE,
            upload=checked("c.pdf", PDF),
            actor=staff,
        )
    evidence.refresh_from_db()
    assert evidence.title == "Otrā"
    assert not EvidenceFile.objects.filter(evidence=evidence).exists()


def test_removing_evidence_removes_its_file(partnership, staff):
    evidence = services.evidence_create(
        partnership=partnership, values=values(), upload=checked("a.pdf", PDF), actor=staff
    )
    services.evidence_delete(evidence=evidence, actor=staff)
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()
    assert EvaluationEvent.objects.filter(kind="evidence_gone").count() == 1
