"""Answers' versions start at 1, as every versioned row's (roadmap_portal.lib.locking).
Existing answers and their revisions move up by one together: a revision's version stays
the answer's version it recorded, which the conflict rule of checklists.services reads.
A page loaded before this migration holds the old number and gets a conflict once."""

from django.db import migrations, models
from django.db.models import F


def move_up(apps, schema_editor):
    for name in ("Answer", "AnswerRevision"):
        apps.get_model("checklists", name).objects.update(version=F("version") + 1)


def move_down(apps, schema_editor):
    for name in ("Answer", "AnswerRevision"):
        apps.get_model("checklists", name).objects.filter(version__gt=0).update(
            version=F("version") - 1
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0003_length_limits_and_pdfs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(move_up, move_down),
    ]
