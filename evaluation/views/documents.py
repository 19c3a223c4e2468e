"""The evaluation's documents, for the partnership's members: its KPIs and measurements as
CSV and XLSX, and the dated evaluation report as a page and as a PDF."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from roadmap_portal.lib.pdf import pdf_response
from roadmap_portal.lib.spreadsheets import csv_response, xlsx_response

from .. import report as reports
from ..access import get_partnership_for_evaluation
from ..exports import kpi_rows, kpis_filename, measurement_rows, measurements_filename

# A sheet's title holds 31 characters at most.
SHEET_TITLE_LENGTH = 31


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
        sheet_title=_("KPIs")[:SHEET_TITLE_LENGTH],
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
        sheet_title=_("Measurements")[:SHEET_TITLE_LENGTH],
    )


@login_required
@require_safe
def report(request, pk):
    """The evaluation report as a page, with its PDF and the spreadsheets to download."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    return render(
        request,
        "evaluation/report.html",
        {"partnership": partnership, "report": reports.evaluation_report(partnership)},
    )


@login_required
@require_safe
def report_pdf(request, pk):
    """The same report as a PDF, made while the member waits (it is not kept)."""
    partnership = get_partnership_for_evaluation(request.user, pk)
    found = reports.evaluation_report(partnership)
    return pdf_response(reports.report_pdf(found), filename=reports.report_filename(found))
