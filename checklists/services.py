import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from modeltranslation.translator import translator

from orgs.sides import Side
from roadmap_portal.lib.background_pdf import background_pdf_request
from roadmap_portal.lib.email import email_user
from roadmap_portal.lib.locking import bump_version, lock_at_version

from .access import share_readers
from .models import (
    Answer,
    AnswerRevision,
    Checkpoint,
    RemovedAnswer,
    Roadmap,
    RoadmapEvent,
    RoadmapPdf,
    RoadmapShare,
    Step,
    TemplateVersion,
    UpgradePlan,
    upgrade_plan,
)
from .tasks import roadmap_pdf_make

TEMPLATE_PATH = settings.BASE_DIR / "fixtures" / "roadmap_template.json"
# Autosaves by one person within this time are one editing session: one history entry.
EDITING_SESSION = timedelta(minutes=30)
LANGUAGES = [code for code, _name in settings.LANGUAGES]


class TemplateAlreadyPublished(Exception):
    pass


class UpgradeRefused(Exception):
    """The roadmap cannot move to that version; the message says why, to its editor."""


class CheckpointRemoved(Exception):
    """The answer's checkpoint left the roadmap (roadmap_upgrade) while its page was open."""


class NotReady(Exception):
    """Checkpoints that are neither completed nor marked not applicable."""

    def __init__(self, open_answers):
        super().__init__("Some checkpoints are open.")
        self.open_answers = open_answers


def _translated(field, texts):
    """modeltranslation columns (field_lv, field_en, ...) from {"lv": ..., "en": ...}."""
    values = {f"{field}_{code}": texts.get(code, "") for code in LANGUAGES}
    values[field] = texts.get(settings.LANGUAGE_CODE, "")
    return values


def _lines(items):
    return {code: "\n".join(item.get(code, "") for item in items).strip() for code in LANGUAGES}


def _paragraphs(items):
    return {code: "\n\n".join(item.get(code, "") for item in items).strip() for code in LANGUAGES}


def _is_texts(node):
    """A fixture's {"lv": ..., "en": ...}: one text in its languages."""
    return bool(node) and all(code in LANGUAGES for code in node)


def _texts_of(node, path=()):
    """Every translated text of a fixture: {path: {"lv": ..., "en": ...}}."""
    if isinstance(node, dict):
        if _is_texts(node):
            return {path: node}
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return {}
    found = {}
    for key, value in items:
        found |= _texts_of(value, (*path, key))
    return found


def _only_adds_translations(published: dict, data: dict) -> bool:
    """True when `data` keeps every text `published` has, word for word, and at most fills
    languages that were missing: a translation, not a new wording."""
    if _structure(published) != _structure(data):
        return False
    new = _texts_of(data)  # the same paths as the published one's, the structure being equal
    return all(
        not text.strip() or new[path].get(code) == text
        for path, texts in _texts_of(published).items()
        for code, text in texts.items()
    )


def _structure(node):
    """The fixture without its texts: codes, forms, kinds and order."""
    if isinstance(node, dict):
        if _is_texts(node):
            return None
        return {key: _structure(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_structure(value) for value in node]
    return node


def _rows(data):
    """What each row of a version holds: (step number, its columns, [(form, code, columns)])."""
    for step_data in data["steps"]:
        step_columns = {
            **_translated("title", step_data["title"]),
            **_translated("summary", step_data.get("summary", {})),
        }
        checkpoints = []
        for position, item in enumerate(step_data["checkpoints"]):
            for form in item["forms"]:
                guidance = item.get("guidance", {})
                checkpoints.append(
                    (
                        form,
                        item["code"],
                        {
                            "position": position,
                            "kind": item.get("kind", Checkpoint.Kind.TEXT),
                            "need_guidance": item.get("need_guidance", {}).get(form, {}),
                            **_translated("statement", item["statement"][form]),
                            **_translated("hint", item.get("hint", {})),
                            **_translated("guidance", guidance.get(form, {})),
                            **_translated("methods", _lines(item.get("methods", []))),
                            **_translated("examples", _paragraphs(item.get("examples", []))),
                        },
                    )
                )
        yield step_data["number"], step_columns, checkpoints


@transaction.atomic
def template_publish(*, path: Path = TEMPLATE_PATH, actor=None) -> TemplateVersion:
    """Publish the roadmap content of a fixture as a new, unchangeable version.

    A file with a published version's number that only adds translations (every text the
    version has stays word for word) adds them to that version: roadmaps already started
    on it get the new languages too. Any other change needs a new number."""
    data = json.loads(path.read_text(encoding="utf-8"))
    published = TemplateVersion.objects.select_for_update().filter(number=data["version"]).first()
    if published is not None:
        if published.source == data or not _only_adds_translations(published.source, data):
            raise TemplateAlreadyPublished(data["version"])
        return _add_translations(published, data)
    version = TemplateVersion.objects.create(
        number=data["version"],
        published_by=actor,
        source=data,
        **_translated("title", data["title"]),
    )
    for number, step_columns, checkpoints in _rows(data):
        step = Step.objects.create(version=version, number=number, **step_columns)
        Checkpoint.objects.bulk_create(
            Checkpoint(step=step, form=form, code=code, **columns)
            for form, code, columns in checkpoints
        )
    return version


def _per_language(columns):
    """The columns without modeltranslation's bare field name: in update() that name means
    the active language's column and would overwrite it with the default language's text."""
    bare = {
        name
        for model in (TemplateVersion, Step, Checkpoint)
        for name in translator.get_options_for_model(model).all_fields
    }
    return {name: value for name, value in columns.items() if name not in bare}


def _add_translations(version, data):
    TemplateVersion.objects.filter(pk=version.pk).update(
        source=data, **_per_language(_translated("title", data["title"]))
    )
    for number, step_columns, checkpoints in _rows(data):
        step = version.steps.get(number=number)
        Step.objects.filter(pk=step.pk).update(**_per_language(step_columns))
        for form, code, columns in checkpoints:
            step.checkpoints.filter(form=form, code=code).update(**_per_language(columns))
    version.refresh_from_db()
    return version


@transaction.atomic
def roadmap_start(*, form: str, owner, title: str, actor) -> Roadmap:
    """A new roadmap on the latest template version, with an empty answer per checkpoint."""
    version = TemplateVersion.objects.order_by("-number").first()
    roadmap = Roadmap.objects.create(
        version=version,
        form=form,
        title=title,
        municipality=owner if form == Side.MUNICIPALITY else None,
        organization=owner if form == Side.COMMUNITY else None,
        created_by=actor,
    )
    Answer.objects.bulk_create(
        Answer(roadmap=roadmap, checkpoint=checkpoint) for checkpoint in roadmap.checkpoints()
    )
    RoadmapEvent.objects.create(roadmap=roadmap, kind=RoadmapEvent.Kind.STARTED, actor=actor)
    return roadmap


def answer_content(answer) -> dict:
    """What an answer says, as plain JSON (for the history and for conflicts)."""
    return {
        "status": answer.status,
        "text": answer.text,
        "not_applicable_reason": answer.not_applicable_reason,
        "target_groups": sorted(answer.target_groups.values_list("pk", flat=True)),
        "needs": answer.needs,
        "organizations": sorted(answer.organizations.values_list("pk", flat=True)),
        "department": answer.department_id,
    }


@transaction.atomic
def answer_save(*, answer, values: dict, actor, version: int, autosave: bool = False):
    """Save an answer if nobody saved it since `version` was loaded; record the history.
    Refused (roadmap_portal.lib.locking.Conflict) otherwise, except that an explicit save
    overwrites the editor's own autosaves since: the page's autosave may still have been
    on its way when Save was clicked, and the page sends its latest text anyway.

    An autosave only keeps the text and marks a started answer as in progress; the status
    is chosen on an explicit save.
    """

    def only_own_autosaves_since(row, loaded):
        # An autosave at an older version is not let through: a page sends one autosave
        # at a time and takes the next version from its answer, so it comes from another
        # page, whose text must not silently win.
        return not autosave and only_autosaves_of(row, actor=actor, since=loaded)

    # The roadmap first, then the answer: the order roadmap_upgrade and roadmap_complete
    # lock them in, so a save and a move never wait for each other (a deadlock).
    _lock_roadmap(answer.roadmap_id)
    try:
        locked = lock_at_version(
            Answer.objects, pk=answer.pk, version=version, overwritable=only_own_autosaves_since
        )
    except Answer.DoesNotExist:
        raise CheckpointRemoved from None
    if locked.roadmap.is_completed:
        raise PermissionError("A completed roadmap is reopened before it is changed.")
    for field in ("text", "not_applicable_reason", "needs", "department_id", "status"):
        if field in values:
            setattr(locked, field, values[field])
    if autosave and locked.status == Answer.Status.NOT_STARTED and values.get("text"):
        locked.status = Answer.Status.IN_PROGRESS
    now = timezone.now()
    locked.updated_at, locked.updated_by = now, actor
    locked.save()
    bump_version(locked)
    for field in ("target_groups", "organizations"):
        if field in values:
            getattr(locked, field).set(values[field])
    _revise(locked, actor=actor, now=now, autosave=autosave)
    Roadmap.objects.filter(pk=locked.roadmap_id).update(updated_at=now)
    return locked


def only_autosaves_of(answer, *, actor, since: int) -> bool:
    """Whether every save of the answer after version `since` was an autosave by `actor`.
    A revision covers the versions of its editing session up to its own, all by its editor
    (_revise), so a revision after `since` by anyone else, or not an autosave, is a save
    that was not the actor's autosave."""
    later = answer.revisions.filter(version__gt=since)
    return later.exists() and not later.exclude(editor=actor, autosave=True).exists()


def _revise(answer, *, actor, now, autosave):
    content = answer_content(answer)
    latest = answer.revisions.first()
    same_session = (
        autosave
        and latest is not None
        and latest.autosave
        and latest.editor_id == getattr(actor, "pk", None)
        and now - latest.saved_at < EDITING_SESSION
    )
    if same_session:
        latest.content, latest.saved_at, latest.version = content, now, answer.version
        latest.freeze().save(update_fields=["content", "content_hash", "saved_at", "version"])
    else:
        AnswerRevision(
            answer=answer,
            editor=actor,
            saved_at=now,
            autosave=autosave,
            version=answer.version,
            content=content,
        ).freeze().save()


def _lock_roadmap(pk):
    """Hold the roadmap's row until the transaction ends (select_for_update)."""
    list(Roadmap.objects.select_for_update().filter(pk=pk).values_list("pk"))


@transaction.atomic
def roadmap_complete(*, roadmap, actor):
    """Mark as completed once every checkpoint is completed or not applicable. The
    roadmap is locked before its answers are read, so a move to a newer version (which
    adds empty checkpoints) or a save cannot slip in between."""
    _lock_roadmap(roadmap.pk)
    open_answers = [a for a in roadmap.answers.select_related("checkpoint") if not a.is_done]
    if open_answers:
        raise NotReady(open_answers)
    roadmap.status, roadmap.completed_at = Roadmap.Status.COMPLETED, timezone.now()
    roadmap.save(update_fields=["status", "completed_at", "updated_at"])
    RoadmapEvent.objects.create(roadmap=roadmap, kind=RoadmapEvent.Kind.COMPLETED, actor=actor)
    return roadmap


@transaction.atomic
def roadmap_reopen(*, roadmap, actor):
    roadmap.status, roadmap.completed_at = Roadmap.Status.IN_PROGRESS, None
    roadmap.save(update_fields=["status", "completed_at", "updated_at"])
    RoadmapEvent.objects.create(roadmap=roadmap, kind=RoadmapEvent.Kind.REOPENED, actor=actor)
    return roadmap


@transaction.atomic
def roadmap_upgrade(*, roadmap, actor, to_version, lock_version: int) -> UpgradePlan:
    """Move a roadmap in progress to a newer template version of its form, if nobody moved
    it since `lock_version` was loaded (roadmap_portal.lib.locking.Conflict otherwise).

    Each answer moves to the new version's checkpoint of the same code, with its history.
    An answer whose checkpoint was removed leaves the roadmap, kept in its history: a
    RemovedAnswer of the move's event, frozen, with the answer's content and revisions.
    The new checkpoints start empty. The plan carried out is returned."""
    locked = lock_at_version(
        Roadmap.objects, pk=roadmap.pk, version=lock_version, field="lock_version"
    )
    if locked.is_completed:
        raise UpgradeRefused(_("The roadmap is completed: reopen it before moving it."))
    if to_version.number <= locked.version.number:
        raise UpgradeRefused(
            _("The roadmap is on version %(number)s: it can only move to a newer one.")
            % {"number": locked.version.number}
        )
    # The answers too (after the roadmap, in answer_save's order): one saved meanwhile
    # would be kept in the history as it was before. A save that waited for the move finds
    # its answer gone when its checkpoint was removed (CheckpointRemoved).
    list(Answer.objects.select_for_update().filter(roadmap=locked).values_list("pk"))
    plan = upgrade_plan(locked, to_version)
    if not plan.carried and not plan.new:
        raise UpgradeRefused(
            _("Version %(number)s has no checkpoints for this roadmap's form.")
            % {"number": to_version.number}
        )
    event = RoadmapEvent.objects.create(
        roadmap=locked, kind=RoadmapEvent.Kind.UPGRADED, actor=actor, template_version=to_version
    )
    for answer, checkpoint in plan.carried:
        answer.checkpoint = checkpoint
    Answer.objects.bulk_update([answer for answer, _checkpoint in plan.carried], ["checkpoint"])
    # A removed answer that was never touched says nothing: it is not kept.
    kept = plan.removed_kept
    RemovedAnswer.objects.bulk_create(
        RemovedAnswer(
            roadmap=locked,
            event=event,
            checkpoint=answer.checkpoint,
            content=_removed_content(answer),
        ).freeze()
        for answer in kept
    )
    Answer.objects.filter(pk__in=[answer.pk for answer in plan.removed]).delete()
    Answer.objects.bulk_create(
        Answer(roadmap=locked, checkpoint=checkpoint) for checkpoint in plan.new
    )
    locked.version = to_version
    locked.save(update_fields=["version", "updated_at"])
    bump_version(locked, field="lock_version")
    return plan


def _removed_content(answer) -> dict:
    return {
        "code": answer.checkpoint.code,
        **answer_content(answer),
        "updated_at": answer.updated_at.isoformat() if answer.updated_at else None,
        "updated_by": answer.updated_by_id,
        "revisions": [
            {
                "saved_at": revision.saved_at.isoformat(),
                "editor": revision.editor_id,
                "autosave": revision.autosave,
                "version": revision.version,
                "content": revision.content,
            }
            for revision in answer.revisions.all()
        ],
    }


@transaction.atomic
def roadmap_share(*, roadmap, municipality, actor, base_url: str | None = None):
    """Share an organization's roadmap with a municipality and tell its coordinators, who
    read it from then on. `base_url` starts the link in the e-mail (the portal's address,
    settings.PORTAL_URL, outside a request). Sharing it again changes and sends nothing."""
    _share, created = RoadmapShare.objects.get_or_create(
        roadmap=roadmap, municipality=municipality, defaults={"shared_by": actor}
    )
    if not created:
        return
    RoadmapEvent.objects.create(
        roadmap=roadmap, kind=RoadmapEvent.Kind.SHARED, actor=actor, municipality=municipality
    )
    base_url = base_url or settings.PORTAL_URL
    context = {
        "organization": roadmap.organization.name,
        "title": roadmap.title,
        "municipality": municipality.name,
    }
    for reader in share_readers(municipality).exclude(pk=actor.pk):
        # The link opens the page in the reader's language, as the e-mail is written.
        with translation.override(reader.language or settings.LANGUAGE_CODE):
            url = base_url + roadmap.get_absolute_url()
        email_user(reader, "roadmap_shared", context | {"url": url})


@transaction.atomic
def roadmap_unshare(*, roadmap, municipality, actor):
    deleted, _rows = RoadmapShare.objects.filter(
        roadmap=roadmap, municipality=municipality
    ).delete()
    if deleted:
        RoadmapEvent.objects.create(
            roadmap=roadmap, kind=RoadmapEvent.Kind.UNSHARED, actor=actor, municipality=municipality
        )


@transaction.atomic
def roadmap_pdf_request(*, roadmap, actor, document) -> RoadmapPdf:
    """Ask the task worker for the PDF of a long roadmap (`document`, a
    checklists.pdf.RoadmapPrint), unless it is being made or made of the same content.
    Only the newest PDF per roadmap and language is kept."""
    return background_pdf_request(
        pdfs=RoadmapPdf.objects.filter(roadmap=roadmap, language=document.language),
        lock=Roadmap.objects.filter(pk=roadmap.pk),
        fingerprint=document.fingerprint,
        create=lambda: RoadmapPdf.objects.create(
            roadmap=roadmap, language=document.language, requested_by=actor
        ),
        task=roadmap_pdf_make,
    )
