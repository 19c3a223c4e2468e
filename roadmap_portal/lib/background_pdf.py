"""PDFs too long to print while a web worker waits, made by the task worker instead.

WeasyPrint's time grows with what a document holds: a long roadmap or a large evaluation
report takes seconds, past what a request may hold (docs/performance.md). Such a document
is asked for (a POST), printed by a task and kept, the newest per document and language,
with the SHA-256 of what it shows (its fingerprint): it is served only while the document
still prints the same, and a page says meanwhile that it is being made.

An app keeps its PDFs in a subclass of BackgroundPdf (with a foreign key to what is
printed), asks for one with background_pdf_request and makes it in its task with
background_pdf_make. Used by checklists (RoadmapPdf) and evaluation (EvaluationReportPdf).
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def fingerprint_of(html: str) -> str:
    """SHA-256 of the printed HTML: another after any change to what the PDF shows."""
    return hashlib.sha256(html.encode()).hexdigest()


class BackgroundPdf(models.Model):
    """One PDF made by the task worker, in one language."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # A PDF still not made after this long is taken as lost (a worker stopped): the page
    # says it failed and offers to make it again.
    GIVE_UP_AFTER = timedelta(minutes=10)

    language = models.CharField(max_length=8)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # fingerprint_of the printed HTML (without a print time, if it has one).
    fingerprint = models.CharField(max_length=64, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_in_progress(self):
        return (
            self.status in (self.Status.PENDING, self.Status.RUNNING)
            and timezone.now() - self.created_at < self.GIVE_UP_AFTER
        )

    @property
    def has_failed(self):
        return self.status == self.Status.FAILED or (
            self.status != self.Status.READY and not self.is_in_progress
        )

    def is_current(self, fingerprint: str) -> bool:
        """Ready, and of what the document shows now."""
        return self.status == self.Status.READY and self.fingerprint == fingerprint


def background_pdf_request(*, pdfs, lock, fingerprint: str, create, task):
    """Ask the task worker for a PDF, unless one is being made or is made of the same
    content (`fingerprint`); returns that one, or the new one. `pdfs`: the queryset of
    this document's PDFs in this language; `lock`: a queryset of the printed row, locked
    so that two clicks make one PDF; `create()`: a new, pending PDF; `task`: the task that
    makes it, enqueued with its id once the transaction commits. Only the newest PDF per
    document and language is kept. Call inside transaction.atomic."""
    lock.select_for_update().first()
    latest = pdfs.defer("content").first()
    if latest is not None and (latest.is_in_progress or latest.is_current(fingerprint)):
        return latest
    pdfs.delete()
    pdf = create()
    transaction.on_commit(lambda: task.enqueue(pdf.pk))
    return pdf


def background_pdf_make(model, pdf_id: int, make, *, related=()) -> None:
    """The task's body: claim the pending PDF `pdf_id` of `model` once (a task queued twice,
    or for a PDF replaced since, does nothing), then `make(pdf)` in its language, which
    returns (fingerprint, content) of what it printed. A failure marks it failed (the page
    offers to ask again) and is raised, for the worker's log."""
    claimed = model.objects.filter(pk=pdf_id, status=model.Status.PENDING).update(
        status=model.Status.RUNNING
    )
    if not claimed:
        return
    pdfs = model.objects.select_related(*related) if related else model.objects
    pdf = pdfs.get(pk=pdf_id)
    try:
        with translation.override(pdf.language):
            fingerprint, content = make(pdf)
    except Exception:
        logger.exception("The background PDF %s %s failed", model.__name__, pdf_id)
        model.objects.filter(pk=pdf_id).update(
            status=model.Status.FAILED, finished_at=timezone.now()
        )
        raise
    model.objects.filter(pk=pdf_id).update(
        status=model.Status.READY,
        fingerprint=fingerprint,
        content=content,
        finished_at=timezone.now(),
    )
