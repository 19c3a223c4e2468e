from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Municipality


class ImportRecord(models.Model):
    """One spreadsheet import: kept from the preview to the confirmation, then its result."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEWED = "previewed", _("Previewed")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        NOTHING_WRITTEN = "nothing_written", _("Nothing written")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField()
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    all_or_nothing = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    counts = models.JSONField(default=dict)
    # The last check's or the import's report (ImportReport.as_json).
    report = models.JSONField(default=dict)
    # Progress of a big file's check or import, which runs as a background task.
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Written when a run starts and, on PostgreSQL, as it goes: a run that has not written
    # it for IMPORT_STALLED_AFTER seconds (its worker or database died) is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Each check or import of the file is a new attempt: a run that was given up on and
    # then wakes up finds its attempt superseded and writes nothing.
    attempt = models.PositiveIntegerField(default=0)
    stalled = models.BooleanField(default=False)
    from_command_line = models.BooleanField(default=False)

    class Meta:
        # The table it had in orgs, which made it: its rows are the import history.
        db_table = "orgs_importrecord"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        # The import history, newest first, one page at a time: everywhere (portal
        # administrators) and of one municipality.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="exchange_import_created_idx"),
            models.Index(
                fields=["municipality", "-created_at", "-id"], name="exchange_import_muni_idx"
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def percent_done(self):
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
