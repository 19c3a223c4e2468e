"""Before 0003 adds the length CHECKs: every text longer than its new limit is kept in full
in the answer's history (an AnswerRevision), then shortened, and each one is reported.

The limits are written here, not imported: a migration keeps the values of its day.
"""

import json

from django.db import migrations
from django.db.models import Q, TextField
from django.db.models.functions import Cast, Length
from django.utils import timezone

TITLE_MAX_LENGTH = 200
ANSWER_TEXT_MAX_LENGTH = 20_000
NOT_APPLICABLE_REASON_MAX_LENGTH = 2_000
NEED_DETAIL_MAX_LENGTH = 2_000
NEEDS_JSON_MAX_LENGTH = 200_000


def _content(answer):
    return {
        "status": answer.status,
        "text": answer.text,
        "not_applicable_reason": answer.not_applicable_reason,
        "target_groups": sorted(answer.target_groups.values_list("pk", flat=True)),
        "needs": answer.needs,
        "organizations": sorted(answer.organizations.values_list("pk", flat=True)),
        "department": answer.department_id,
    }


def _shortened_needs(needs):
    shortened = {slug: str(detail)[:NEED_DETAIL_MAX_LENGTH] for slug, detail in needs.items()}
    # The CHECK bounds the JSON as stored; drop details from the end if it is still over.
    while shortened and len(json.dumps(shortened)) > NEEDS_JSON_MAX_LENGTH:
        shortened.popitem()
    return shortened


def truncate_overlong_texts(apps, schema_editor, *, report=print):
    """Keep each over-long answer in full as a revision, then cut it to the limits."""
    Answer = apps.get_model("checklists", "Answer")
    AnswerRevision = apps.get_model("checklists", "AnswerRevision")
    Roadmap = apps.get_model("checklists", "Roadmap")
    now = timezone.now()

    overlong = Answer.objects.annotate(
        text_length=Length("text"),
        reason_length=Length("not_applicable_reason"),
    ).filter(
        Q(text_length__gt=ANSWER_TEXT_MAX_LENGTH)
        | Q(reason_length__gt=NOT_APPLICABLE_REASON_MAX_LENGTH)
        # Any detail over its limit makes the JSON longer than one detail may be.
        | Q(pk__in=Answer.objects.annotate(needs_length=Length(Cast("needs", TextField())))
            .filter(needs_length__gt=NEED_DETAIL_MAX_LENGTH)
            .values("pk"))
    )  # fmt: skip
    for answer in overlong.select_related("checkpoint").order_by("pk").iterator():
        needs = answer.needs if isinstance(answer.needs, dict) else {}
        shortened_needs = _shortened_needs(needs)
        if (
            len(answer.text) <= ANSWER_TEXT_MAX_LENGTH
            and len(answer.not_applicable_reason) <= NOT_APPLICABLE_REASON_MAX_LENGTH
            and shortened_needs == needs
        ):
            continue  # needs long as JSON, but each detail within its limit
        report(
            f"Answer {answer.pk} (roadmap {answer.roadmap_id}, checkpoint "
            f"{answer.checkpoint.code}): text {len(answer.text):,}, reason "
            f"{len(answer.not_applicable_reason):,}, longest need "
            f"{max((len(str(d)) for d in needs.values()), default=0):,} characters; "
            "kept in full in its history, then shortened."
        )
        AnswerRevision.objects.create(
            answer=answer,
            editor=None,
            saved_at=now,
            autosave=False,
            version=answer.version,
            content=_content(answer),
        )
        answer.text = answer.text[:ANSWER_TEXT_MAX_LENGTH]
        answer.not_applicable_reason = answer.not_applicable_reason[
            :NOT_APPLICABLE_REASON_MAX_LENGTH
        ]
        answer.needs = shortened_needs
        # A new version: an editor who loaded the long text is told it changed.
        answer.version += 1
        answer.save(update_fields=["text", "not_applicable_reason", "needs", "version"])

    # Only SQLite can hold a longer title (PostgreSQL's varchar(200) refused it).
    long_titles = Roadmap.objects.annotate(title_length=Length("title")).filter(
        title_length__gt=TITLE_MAX_LENGTH
    )
    for roadmap in long_titles.order_by("pk").iterator():
        report(
            f"Roadmap {roadmap.pk}: title of {len(roadmap.title):,} characters shortened to "
            f"{TITLE_MAX_LENGTH}; it began {roadmap.title[:80]!r}."
        )
        roadmap.title = roadmap.title[:TITLE_MAX_LENGTH]
        roadmap.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [("checklists", "0001_initial")]

    operations = [migrations.RunPython(truncate_overlong_texts, migrations.RunPython.noop)]
