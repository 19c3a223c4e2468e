import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from checklists.models import Checkpoint, TemplateVersion
from checklists.services import TEMPLATE_PATH, roadmap_start, template_publish
from orgs.sides import Side
from orgs.taxonomies import TAXONOMIES_PATH

pytestmark = pytest.mark.django_db

# DOMAIN.md's reading of the seed: 16 distinct checkpoints. It counts "14" for the community
# form but lists 13 (1.1-1.6, 2.2, 2.4, 2.6, 3.1-3.4); the list is what the seed supports.
MUNICIPALITY = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.3", "2.5", "3.1", "3.2", "3.3", "3.4"]
COMMUNITY = [
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "1.6",
    "2.2",
    "2.4",
    "2.6",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
]
DATA = json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))


def codes(form):
    return [c["code"] for step in DATA["steps"] for c in step["checkpoints"] if form in c["forms"]]


def test_the_fixture_has_every_checkpoint_of_the_seed():
    all_codes = {c["code"] for step in DATA["steps"] for c in step["checkpoints"]}
    assert len(all_codes) == 16
    assert codes("municipality") == MUNICIPALITY
    assert codes("community") == COMMUNITY


def test_every_text_is_in_all_six_languages():
    def texts(node):
        if isinstance(node, dict):
            if set(node) >= {"lv", "en"} and all(isinstance(v, str) for v in node.values()):
                yield node
            else:
                for value in node.values():
                    yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)

    found = list(texts(DATA["steps"]))
    assert len(found) > 50
    languages = [code for code, _name in settings.LANGUAGES]
    assert len(languages) == 6
    missing = [
        (t["en"][:40], code) for t in found for code in languages if not t.get(code, "").strip()
    ]
    assert missing == []
    # Paragraphs and one-method-per-line survive translation.
    assert all(t[code].count("\n") == t["lv"].count("\n") for t in found for code in languages)


def test_the_seven_kinds_of_need_are_worded_for_both_forms():
    needs = next(c for s in DATA["steps"] for c in s["checkpoints"] if c["code"] == "1.3")
    taxonomy = json.loads(TAXONOMIES_PATH.read_text(encoding="utf-8"))
    slugs = {entry["slug"] for entry in taxonomy["need_kinds"]}
    assert len(slugs) == 7
    assert set(needs["need_guidance"]["municipality"]) == slugs
    assert set(needs["need_guidance"]["community"]) == slugs
    assert (
        needs["need_guidance"]["municipality"]["funding"]
        != needs["need_guidance"]["community"]["funding"]
    )


def test_publishing_creates_a_version_with_a_row_per_form_and_checkpoint(template):
    assert template.number == DATA["version"]
    rows = Checkpoint.objects.filter(step__version=template)
    assert rows.filter(form=Side.MUNICIPALITY).count() == 11
    assert rows.filter(form=Side.COMMUNITY).count() == len(codes("community"))
    assert rows.values("code").distinct().count() == 16
    first = rows.get(form=Side.MUNICIPALITY, code="1.1")
    assert first.statement_lv and first.statement_en and first.guidance_en
    assert rows.get(form=Side.MUNICIPALITY, code="1.1").kind == Checkpoint.Kind.TARGET_GROUP


def test_the_command_refuses_to_publish_a_version_twice(template, capsys):
    with pytest.raises(CommandError, match="already published"):
        call_command("publish_roadmap_template")
    call_command("publish_roadmap_template", "--if-new")
    assert "already published" in capsys.readouterr().out
    assert TemplateVersion.objects.count() == 1


def test_a_new_version_does_not_touch_roadmaps_started_on_the_old_one(
    template, municipality, staff, tmp_path
):
    old = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="A", actor=staff)
    changed = json.loads(json.dumps(DATA))
    changed["version"] = DATA["version"] + 1
    changed["steps"][0]["checkpoints"][0]["statement"]["municipality"]["en"] = "New wording"
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    template_publish(path=path)

    new = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="B", actor=staff)
    assert old.answers.get(checkpoint__code="1.1").checkpoint.statement_en != "New wording"
    assert new.answers.get(checkpoint__code="1.1").checkpoint.statement_en == "New wording"
    assert old.version.number == DATA["version"]


def _without(node, code):
    if isinstance(node, dict):
        return {key: _without(value, code) for key, value in node.items() if key != code}
    if isinstance(node, list):
        return [_without(value, code) for value in node]
    return node


def _file(tmp_path, data, name="template.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


GREEK_STATEMENT = DATA["steps"][0]["checkpoints"][0]["statement"]["municipality"]["el"]


def test_adding_a_translation_reaches_roadmaps_already_started(municipality, staff, tmp_path):
    first = template_publish(path=_file(tmp_path, _without(DATA, "el"), "without-greek.json"))
    roadmap = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="A", actor=staff)
    assert roadmap.answers.get(checkpoint__code="1.1").checkpoint.statement_el == ""

    with translation.override("sv"):  # the active language's column must not be touched
        version = template_publish(path=_file(tmp_path, DATA))

    assert version.pk == first.pk
    assert TemplateVersion.objects.count() == 1
    checkpoint = roadmap.answers.get(checkpoint__code="1.1").checkpoint
    assert checkpoint.statement_el == GREEK_STATEMENT
    municipality_texts = DATA["steps"][0]["checkpoints"][0]["statement"]["municipality"]
    assert checkpoint.statement_lt == municipality_texts["lt"]
    assert checkpoint.statement_en == municipality_texts["en"]
    assert version.source == DATA


def test_a_changed_wording_under_the_same_number_is_refused(municipality, tmp_path):
    template_publish(path=_file(tmp_path, _without(DATA, "el"), "without-greek.json"))
    changed = json.loads(json.dumps(DATA))
    changed["steps"][0]["checkpoints"][0]["statement"]["municipality"]["en"] = "New wording"

    with pytest.raises(CommandError, match="already published"):
        call_command("publish_roadmap_template", "--file", str(_file(tmp_path, changed)))
    assert not Checkpoint.objects.filter(statement_en="New wording").exists()
    assert not Checkpoint.objects.exclude(statement_el="").exists()


def test_a_changed_structure_under_the_same_number_is_refused(municipality, tmp_path):
    template_publish(path=_file(tmp_path, _without(DATA, "el"), "without-greek.json"))
    changed = json.loads(json.dumps(DATA))
    changed["steps"][0]["checkpoints"][0]["kind"] = "text"

    with pytest.raises(CommandError, match="already published"):
        call_command("publish_roadmap_template", "--file", str(_file(tmp_path, changed)))
    assert not Checkpoint.objects.exclude(statement_el="").exists()
