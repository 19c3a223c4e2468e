"""Every answer revision gets the SHA-256 of its canonical content (roadmap_portal.lib.
history.Revision), existing ones too, before the CHECK that none is without it.

The hash is written here, not imported: a migration keeps the rule of its day (the same
as content_hash's: sorted keys, no spaces, UTF-8)."""

import hashlib
import json

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


def _hash(content):
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def fill(apps, schema_editor):
    AnswerRevision = apps.get_model("checklists", "AnswerRevision")
    batch = []
    for revision in AnswerRevision.objects.only("content").iterator(chunk_size=1000):
        revision.content_hash = _hash(revision.content)
        batch.append(revision)
        if len(batch) == 1000:
            AnswerRevision.objects.bulk_update(batch, ["content_hash"])
            batch = []
    AnswerRevision.objects.bulk_update(batch, ["content_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0004_answer_versions_start_at_one"),
    ]

    operations = [
        migrations.AddField(
            model_name="answerrevision",
            name="content_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="answerrevision",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(
                    django.db.models.functions.text.Length("content_hash"), 64
                ),
                name="checklists_answerrevision_content_hash",
            ),
        ),
    ]
