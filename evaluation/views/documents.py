"""The evaluation's documents, for the partnership's members: its KPIs and measurements as
CSV and XLSX, and the dated evaluation report as a page and as a PDF."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from roadmap_portal.lib.pdf import pdf_response
from roadmap_portal.lib.spreadsheets import csv_response, xlsx_response

from .. import report as reports
from ..access import get_partnership_for_evaluation
from ..exports import kpi_rows, kpis_filename, measurement_rows, measurements_filename
from ..models import EvaluationReportPdf
from ..services import report_pdf_request


@login_required
@require_safe
def kpis_csv(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    # Made now, in the request's language: the response streams after the view returns.
    rows = list(kpi_rows(partnership))
    return csv_response(rows, filename=kpis_filename(partnership, "csv"))


@login_required
@require_safe
def kpis_xlsx(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    return xlsx_response(
        kpi_rows(partnership),
        filename=kpis_filename(partnership, "xlsx"),
        sheet_title=_("KPIs"),
    )


@login_required
@require_safe
def measurements_csv(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    rows = list(measurement_rows(partnership))
    return csv_response(rows, filename=measurements_filename(partnership, "csv"))


@login_required
@require_safe
def measurements_xlsx(request, pk):
    partnership = get_partnership_for_evaluation(request.user, pk)
    return xlsx_response(
        measurement_rows(partnership),
        filename=measurements_filename(partnership, "xlsx"),
        sheet_title=_("Measurements"),
    )


@login_required
@require_safe
def report(request, pk):
    """The evaluation report as a page, with its PDF and the spreadsheets to download."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    return render(
        request,
        "evaluation/report.html",
        {
            "partnership": partnership,
            "report": reports.evaluation_report(partnership),
            # A large report's PDF is asked for, then made by the task worker.
            "pdf_in_background": reports.ReportPrint(partnership).in_background,
        },
    )


@login_required
@require_safe
def report_pdf(request, pk):
    """The same report as a PDF: made now when it is small; a large one's from the task
    worker when it is ready and shows the report as it is today, else the page that
    prepares it."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    document = reports.ReportPrint(partnership)
    if not document.in_background:
        return pdf_response(document.pdf(), filename=document.filename)
    ready = (
        EvaluationReportPdf.objects.filter(
            partnership=partnership,
            language=document.language,
            status=EvaluationReportPdf.Status.READY,
            fingerprint=document.fingerprint,
        )
        .only("content")
        .first()
    )
    if ready is None:
        return redirect("evaluation:report_pdf_status", pk=partnership.pk)
    return pdf_response(bytes(ready.content), filename=document.filename)


@login_required
@require_http_methods(["GET", "POST"])
def report_pdf_status(request, pk):
    """A large report's PDF: asked for (POST), being prepared, ready or failed. htmx asks
    again every two seconds while it is prepared; without JavaScript, a link does."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    document = reports.ReportPrint(partnership)
    if not document.in_background:
        pdf_url = reverse("evaluation:report_pdf", kwargs={"pk": partnership.pk})
        if request.htmx:  # became small while the page polled: not a PDF swapped in
            return HttpResponseClientRedirect(pdf_url)
        return redirect(pdf_url)
    if request.method == "POST":
        report_pdf_request(partnership=partnership, actor=request.user, document=document)
        return redirect("evaluation:report_pdf_status", pk=partnership.pk)
    pdf = (
        EvaluationReportPdf.objects.filter(partnership=partnership, language=document.language)
        .defer("content")
        .first()
    )
    context = {
        "partnership": partnership,
        "pdf": pdf,
        "current": pdf is not None and pdf.is_current(document.fingerprint),
    }
    template = "evaluation/report_pdf_status.html"
    if request.htmx:
        template = "evaluation/includes/report_pdf_status_block.html"
    return render(request, template, context)
