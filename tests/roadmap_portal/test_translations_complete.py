"""Everything the portal shows is in all six languages (issue 13): the taxonomies (the
fixture and the rows its migration wrote), the published roadmap template's rows, and every
message of the five translated .po files. English is the messages' source; the template's
own fixture is checked in tests/checklists/test_template.py."""

import json
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from modeltranslation.translator import translator

from checklists.models import Checkpoint, Step, TemplateVersion
from checklists.services import template_publish
from orgs.models import FieldOfActivity, NeedKind, TargetGroup
from orgs.taxonomies import MODELS, TAXONOMIES_PATH

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE = "en"
TRANSLATED = [code for code in LANGUAGES if code != SOURCE]
LOCALE = Path(settings.BASE_DIR) / "locale"
TAXONOMY_MODELS = {model.__name__: model for model in (FieldOfActivity, TargetGroup, NeedKind)}


def test_the_six_languages_are_the_settings_ones():
    assert LANGUAGES == ["lv", "en", "lt", "sv", "pt", "el"]


# Taxonomies ---------------------------------------------------------------------------


def untranslated_taxonomy_texts(data: dict) -> list[str]:
    missing = []
    for key in MODELS:
        for entry in data[key]:
            for field in ("name", "description"):
                if field not in entry:
                    continue
                missing += [
                    f"{key}/{entry['slug']}.{field} [{code}]"
                    for code in LANGUAGES
                    if not str(entry[field].get(code, "")).strip()
                ]
    return missing


def test_every_taxonomy_text_of_the_fixture_is_in_all_six_languages():
    data = json.loads(TAXONOMIES_PATH.read_text(encoding="utf-8"))
    assert {key: len(data[key]) for key in MODELS} == {
        "fields_of_activity": 14,
        "target_groups": 12,
        "need_kinds": 7,
    }
    assert all("description" in entry for entry in data["need_kinds"])
    assert untranslated_taxonomy_texts(data) == []


def test_the_fixture_check_finds_an_empty_or_missing_language():
    data = {
        "fields_of_activity": [{"slug": "a", "name": dict.fromkeys(LANGUAGES, "x") | {"sv": " "}}],
        "target_groups": [{"slug": "b", "name": {"lv": "x"}}],
        "need_kinds": [],
    }
    missing = untranslated_taxonomy_texts(data)
    assert "fields_of_activity/a.name [sv]" in missing
    assert "target_groups/b.name [el]" in missing
    assert len(missing) == 1 + 5


def untranslated_rows(model, *, required=None) -> list[str]:
    """The rows' translated fields with an empty language column (modeltranslation's
    <field>_<code>). `required(row, field)` says whether the field must have a text at all;
    by default every field must."""
    missing = []
    for row in model.objects.all():
        for field in translator.get_options_for_model(model).all_fields:
            if required and not required(row, field):
                continue
            missing += [
                f"{model.__name__} {row.pk}.{field} [{code}]"
                for code in LANGUAGES
                if not (getattr(row, f"{field}_{code}") or "").strip()
            ]
    return missing


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(MODELS))
def test_every_taxonomy_row_the_migration_wrote_is_in_all_six_languages(key):
    model = TAXONOMY_MODELS[MODELS[key]]
    data = json.loads(TAXONOMIES_PATH.read_text(encoding="utf-8"))
    assert set(model.objects.values_list("slug", flat=True)) == {e["slug"] for e in data[key]}
    assert untranslated_rows(model) == []


@pytest.mark.django_db
def test_the_row_check_finds_an_empty_language_column():
    NeedKind.objects.filter(slug="funding").update(description_pt="")
    assert untranslated_rows(NeedKind) == [
        f"NeedKind {NeedKind.objects.get(slug='funding').pk}.description [pt]"
    ]


def _has_source_text(row, field):
    # A checkpoint's optional texts (hint, examples...) may be empty in the source language;
    # the ones it has must be in every language.
    return bool((getattr(row, f"{field}_{settings.LANGUAGE_CODE}") or "").strip())


@pytest.mark.django_db
@pytest.mark.parametrize("model", [TemplateVersion, Step, Checkpoint])
def test_every_text_of_the_published_template_is_in_all_six_languages(model):
    template_publish()
    assert model.objects.exists()
    assert untranslated_rows(model, required=_has_source_text) == []


# Messages -----------------------------------------------------------------------------

# Python's named and positional %-placeholders and str.format's; "%%" is a literal percent.
_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]|%[sdifr]|\{\w*\}")


def placeholders(text: str) -> Counter:
    return Counter(_PLACEHOLDER.findall(text.replace("%%", "")))


def message_problems(po: polib.POFile, *, source_ids: set) -> list[str]:
    """What keeps a catalogue from being complete: a message missing, untranslated, fuzzy,
    with the wrong number of plural forms, or with placeholders other than its msgid's."""
    found = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    problems = [] if found else ["no nplurals in the header"]
    nplurals = int(found[1]) if found else 0
    entries = [entry for entry in po if not entry.obsolete]
    ids = {(entry.msgctxt, entry.msgid) for entry in entries}
    problems += [f"missing: {msgid!r}" for _context, msgid in sorted(source_ids - ids, key=str)]
    problems += [f"not in the source: {msgid!r}" for _c, msgid in sorted(ids - source_ids, key=str)]
    for entry in entries:
        name = repr(entry.msgid[:60])
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {name}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(index, "") for index in range(nplurals)]
            if sorted(entry.msgstr_plural) != list(range(nplurals)):
                problems.append(f"{len(entry.msgstr_plural)} plural forms, not {nplurals}: {name}")
            source = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            # A form for exactly one may say "one" instead of %(count)s; none may add a name.
            if any(not placeholders(form) <= source for form in forms) or (
                forms and placeholders(forms[-1]) != placeholders(entry.msgid_plural)
            ):
                problems.append(f"placeholders differ: {name}")
        else:
            forms = [entry.msgstr]
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                problems.append(f"placeholders differ: {name}")
        if not all(form.strip() for form in forms):
            problems.append(f"untranslated: {name}")
    return problems


def catalogue(code) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def source_ids() -> set:
    return {(entry.msgctxt, entry.msgid) for entry in catalogue(SOURCE) if not entry.obsolete}


def test_the_english_source_has_the_portals_messages():
    assert len(source_ids()) > 1000


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_in_every_language(code):
    assert message_problems(catalogue(code), source_ids=source_ids()) == []


HEADER = 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n != 1);\\n"\n\n'
GOOD = """
msgid "Hello %(name)s"
msgstr "Sveiki %(name)s"

msgid "One step"
msgid_plural "%(count)s steps"
msgstr[0] "Viens solis"
msgstr[1] "%(count)s soļi"
msgstr[2] "%(count)s soļu"

msgid "100%% done by {date}"
msgstr "100%% paveikts līdz {date}"

#~ msgid "Gone"
#~ msgstr ""
"""


def test_a_complete_catalogue_has_no_problems():
    po = polib.pofile(HEADER + GOOD)
    ids = {(None, e.msgid) for e in po if not e.obsolete}
    assert message_problems(po, source_ids=ids) == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('msgid "Save"\nmsgstr ""\n', "untranslated: 'Save'"),
        ('#, fuzzy\nmsgid "Save"\nmsgstr "Saglabāt"\n', "fuzzy: 'Save'"),
        ('msgid "Hi %(name)s"\nmsgstr "Sveiki %(nome)s"\n', "placeholders differ: 'Hi %(name)s'"),
        ('msgid "Hi %(name)s"\nmsgstr "Sveiki"\n', "placeholders differ: 'Hi %(name)s'"),
        ('msgid "By {date}"\nmsgstr "Līdz"\n', "placeholders differ: 'By {date}'"),
        (
            'msgid "a"\nmsgid_plural "%(count)s b"\nmsgstr[0] "a"\nmsgstr[1] "%(count)s b"\n',
            "2 plural forms, not 3: 'a'",
        ),
        (
            'msgid "a"\nmsgid_plural "%(count)s b"\nmsgstr[0] "a"\nmsgstr[1] "%(count)s b"\n'
            'msgstr[2] ""\n',
            "untranslated: 'a'",
        ),
        (
            'msgid "a"\nmsgid_plural "%(count)s b"\nmsgstr[0] "a"\nmsgstr[1] "%(count)s b"\n'
            'msgstr[2] "b"\n',
            "placeholders differ: 'a'",
        ),
    ],
)
def test_the_message_check_finds_each_kind_of_problem(entry, problem):
    po = polib.pofile(HEADER + GOOD + "\n" + entry)
    ids = {(None, e.msgid) for e in po if not e.obsolete}
    assert problem in message_problems(po, source_ids=ids)


def test_the_message_check_finds_a_message_missing_from_a_language():
    po = polib.pofile(HEADER + GOOD)
    ids = {(None, e.msgid) for e in po if not e.obsolete} | {(None, "New")}
    assert message_problems(po, source_ids=ids) == ["missing: 'New'"]
