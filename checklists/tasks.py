"""Long roadmaps' PDFs, made by the task worker (checklists/pdf.py says when)."""

import logging

from django.tasks import task
from django.utils import timezone, translation

from .models import RoadmapPdf
from .pdf import RoadmapPrint

logger = logging.getLogger(__name__)


@task()
def roadmap_pdf_make(pdf_id: int) -> None:
    # Claimed once: a task queued twice, or for a PDF replaced since, does nothing.
    claimed = RoadmapPdf.objects.filter(pk=pdf_id, status=RoadmapPdf.Status.PENDING).update(
        status=RoadmapPdf.Status.RUNNING
    )
    if not claimed:
        return
    pdf = RoadmapPdf.objects.select_related("roadmap").get(pk=pdf_id)
    try:
        with translation.override(pdf.language):
            document = RoadmapPrint(pdf.roadmap)
            # What is printed now: the record says which content the PDF shows.
            fingerprint, content = document.fingerprint, document.pdf()
    except Exception:
        logger.exception("The PDF of roadmap %s failed", pdf.roadmap_id)
        RoadmapPdf.objects.filter(pk=pdf_id).update(
            status=RoadmapPdf.Status.FAILED, finished_at=timezone.now()
        )
        raise
    RoadmapPdf.objects.filter(pk=pdf_id).update(
        status=RoadmapPdf.Status.READY,
        fingerprint=fingerprint,
        content=content,
        finished_at=timezone.now(),
    )
