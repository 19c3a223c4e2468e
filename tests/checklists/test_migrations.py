"""0002 keeps every over-long text in the answer's history and shortens it, so that 0003
can add the length CHECKs on a database that holds such texts."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from roadmap_portal.lib.history import content_hash

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("checklists", "0001_initial")]
AFTER = [("checklists", "0003_length_limits_and_pdfs")]


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """The tests after these need the schema of today, whatever state a test left."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_over_long_texts_are_kept_in_the_history_and_shortened_before_the_checks(
    template, municipality, staff, capsys
):
    from checklists.services import roadmap_start

    roadmap = roadmap_start(form="municipality", owner=municipality, title="R", actor=staff)
    short = roadmap.answers.get(checkpoint__code="1.1")
    try:
        old = migrate(BEFORE)
        Answer = old.get_model("checklists", "Answer")
        long_text = "Ā" * 25_000
        long_reason = "r" * 3_000
        long_need = "n" * 2_500
        Answer.objects.filter(roadmap_id=roadmap.pk, checkpoint__code="1.2").update(
            text=long_text, version=3
        )
        Answer.objects.filter(roadmap_id=roadmap.pk, checkpoint__code="1.3").update(
            not_applicable_reason=long_reason, needs={"funding": long_need, "premises": "ok"}
        )
        Answer.objects.filter(pk=short.pk).update(text="Īsa atbilde")
        if connection.vendor == "sqlite":  # PostgreSQL's varchar(200) never held one
            old.get_model("checklists", "Roadmap").objects.filter(pk=roadmap.pk).update(
                title="T" * 250
            )
        capsys.readouterr()
    finally:
        new = migrate(AFTER)

    output = capsys.readouterr().out
    Answer = new.get_model("checklists", "Answer")
    text_answer = Answer.objects.get(roadmap_id=roadmap.pk, checkpoint__code="1.2")
    assert len(text_answer.text) == 20_000 and text_answer.version == 4
    revision = text_answer.revisions.get()
    assert revision.content["text"] == long_text and revision.version == 3
    assert f"Answer {text_answer.pk} (roadmap {roadmap.pk}, checkpoint 1.2): text 25,000" in (
        output
    )

    needs_answer = Answer.objects.get(roadmap_id=roadmap.pk, checkpoint__code="1.3")
    assert len(needs_answer.not_applicable_reason) == 2_000
    assert needs_answer.needs == {"funding": "n" * 2_000, "premises": "ok"}
    kept = needs_answer.revisions.get().content
    assert kept["not_applicable_reason"] == long_reason and kept["needs"]["funding"] == long_need

    untouched = Answer.objects.get(pk=short.pk)
    assert untouched.text == "Īsa atbilde" and not untouched.revisions.exists()
    assert "Answer " + str(short.pk) + " " not in output
    if connection.vendor == "sqlite":
        assert len(new.get_model("checklists", "Roadmap").objects.get(pk=roadmap.pk).title) == 200
        assert f"Roadmap {roadmap.pk}: title of 250 characters shortened to 200" in output


def test_the_migration_reports_nothing_when_every_text_is_within_its_limits(
    municipal_roadmap,
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("checklists.migrations.0002_truncate_overlong_texts")
    reported = []
    migration.truncate_overlong_texts(apps, None, report=reported.append)
    assert reported == []


def test_answers_and_their_revisions_move_up_to_versions_that_start_at_one(
    template, municipality, staff
):
    from checklists.services import roadmap_start

    roadmap = roadmap_start(form="municipality", owner=municipality, title="R", actor=staff)
    answer = roadmap.answers.get(checkpoint__code="1.2")
    before = [("checklists", "0003_length_limits_and_pdfs")]
    try:
        old = migrate(before)
        Answer = old.get_model("checklists", "Answer")
        Answer.objects.filter(roadmap_id=roadmap.pk).update(version=0)
        Answer.objects.filter(pk=answer.pk).update(version=2)
        old.get_model("checklists", "AnswerRevision").objects.create(
            answer_id=answer.pk, saved_at="2026-01-01T00:00Z", version=2, content={}
        )
    finally:
        new = migrate([("checklists", "0004_answer_versions_start_at_one")])

    answers = new.get_model("checklists", "Answer").objects.filter(roadmap_id=roadmap.pk)
    moved = answers.get(pk=answer.pk)
    assert moved.version == 3 and moved.revisions.get().version == 3
    assert set(answers.exclude(pk=answer.pk).values_list("version", flat=True)) == {1}


def test_existing_revisions_get_the_hash_of_their_canonical_content(template, municipality, staff):
    from checklists.services import roadmap_start

    roadmap = roadmap_start(form="municipality", owner=municipality, title="R", actor=staff)
    answer = roadmap.answers.get(checkpoint__code="1.2")
    content = {"text": "Ķekatas", "status": "in_progress", "target_groups": [2, 1]}
    try:
        old = migrate([("checklists", "0004_answer_versions_start_at_one")])
        old.get_model("checklists", "AnswerRevision").objects.create(
            answer_id=answer.pk, saved_at="2026-01-01T00:00Z", version=2, content=content
        )
    finally:
        migrate([("checklists", "0005_answer_revision_content_hash")])

    revision = answer.revisions.get()
    assert revision.content_hash == content_hash(content) and revision.is_intact
