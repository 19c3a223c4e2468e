"""Long roadmaps' PDFs, made by the task worker (checklists/pdf.py says when)."""

from django.tasks import task

from roadmap_portal.lib.background_pdf import background_pdf_make

from .models import RoadmapPdf
from .pdf import RoadmapPrint


def _print(pdf):
    document = RoadmapPrint(pdf.roadmap)
    # What is printed now: the record says which content the PDF shows.
    return document.fingerprint, document.pdf()


@task()
def roadmap_pdf_make(pdf_id: int) -> None:
    background_pdf_make(RoadmapPdf, pdf_id, _print, related=["roadmap"])
