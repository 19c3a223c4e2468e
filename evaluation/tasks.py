"""Large evaluation reports' PDFs, made by the task worker (evaluation/report.py says when)."""

from django.tasks import task

from actionplans.models import Partnership
from roadmap_portal.lib.background_pdf import background_pdf_make

from .models import EvaluationReportPdf
from .report import ReportPrint


def _print(pdf):
    partnership = Partnership.objects.with_municipality().get(pk=pdf.partnership_id)
    document = ReportPrint(partnership)
    # What is printed now: the record says which content the PDF shows.
    return document.fingerprint, document.pdf()


@task()
def evaluation_report_pdf_make(pdf_id: int) -> None:
    background_pdf_make(EvaluationReportPdf, pdf_id, _print)
