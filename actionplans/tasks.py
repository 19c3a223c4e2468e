"""Signed revisions' PDFs, printed and sealed by the task worker (actionplans/pdf.py)."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import SignedPdf
from .pdf import RevisionPrint

logger = logging.getLogger(__name__)


@task()
def signed_pdf_make(pdf_id: int) -> None:
    """Print and seal one SignedPdf, once: a task queued twice, or for a PDF made since,
    does nothing. The row stays locked while it prints, so a second worker skips it."""
    try:
        with transaction.atomic():
            pdf = (
                SignedPdf.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("revision__partnership__municipality")
                .filter(pk=pdf_id, status=SignedPdf.Status.PENDING)
                .first()
            )
            if pdf is None:
                return
            content = RevisionPrint(pdf.revision, language=pdf.language).pdf()
            SignedPdf.objects.filter(pk=pdf_id).update(
                status=SignedPdf.Status.READY, content=content, finished_at=timezone.now()
            )
    except Exception:
        logger.exception("The signed PDF %s failed", pdf_id)
        SignedPdf.objects.filter(pk=pdf_id, status=SignedPdf.Status.PENDING).update(
            status=SignedPdf.Status.FAILED, finished_at=timezone.now()
        )
        raise
