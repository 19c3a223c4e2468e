"""The directory's file exchange: its exports (CSV, XLSX, Open Referral) and the staff's
import, from the upload to the result."""

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from orgs.forms import DirectoryFilterForm
from orgs.search import directory_matches
from roadmap_portal.lib.pagination import paginate
from roadmap_portal.lib.spreadsheets import csv_response, xlsx_response

from .access import (
    get_import_for_user,
    import_municipalities,
    imports_visible_to,
    may_act_on_import,
    organizations_for_staff_export,
)
from .export import export_rows
from .forms import ImportReadingForm, ImportUploadForm
from .hsds_write import write_package
from .models import ImportRecord
from .readers import ImportFileError, check_size, checksum
from .reports import ImportReport
from .services import read_upload
from .tasks import (
    import_confirm,
    import_reread,
    import_retry,
    imports_fail_stalled,
    start_import,
)


def _export_response(request, organizations, *, staff, name):
    rows = export_rows(organizations, staff=staff)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, filename=f"{name}.xlsx", sheet_title="Organizations")
    return csv_response(rows, filename=f"{name}.csv")


@require_safe
def directory_export(request):
    """The directory as the visitor filtered it: published entries, public fields."""
    form = DirectoryFilterForm.of_request(request)
    organizations = directory_matches(form.directory_query())
    return _export_response(request, organizations, staff=False, name="organizations")


@login_required
@require_safe
def staff_export(request):
    """For municipal staff: the published directory and every entry of their municipalities,
    pending and rejected included, with their status."""
    visible = organizations_for_staff_export(request.user)
    form = DirectoryFilterForm.of_request(request)
    organizations = directory_matches(form.directory_query(), base=visible)
    return _export_response(request, organizations, staff=True, name="organizations-staff")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Staff upload a spreadsheet or an Open Referral package; nothing is written before
    they confirm the preview."""
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        municipalities=import_municipalities(request.user),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            content = upload.read()
            table = read_upload(content, upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            record = ImportRecord.objects.create(
                created_by=request.user,
                municipality=form.cleaned_data["municipality"],
                filename=upload.name[:255],
                checksum=checksum(content),
                content=content,
                encoding=table.encoding,
                delimiter=table.delimiter,
                all_or_nothing=form.cleaned_data["all_or_nothing"],
                rows_total=len(table.dataset),
            )
            start_import(record, write=False, table=table)
            return redirect("exchange:import_preview", pk=record.pk)
    listed = imports_visible_to(request.user)
    imports_fail_stalled(listed)
    imports = paginate(
        request,
        listed.exclude(status__in=[ImportRecord.Status.CHECKING, ImportRecord.Status.PREVIEWED])
        .select_related("created_by")
        .defer("content", "report"),
    )
    for record in imports:
        record.labelled_counts = ImportReport(rows=[], counts=record.counts).labelled_counts
    return render(request, "exchange/import_upload.html", {"form": form, "imports": imports})


# The preview lists every row with a problem, and of the others only this many.
PREVIEW_ROWS = 200


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    """The check's report, row by row, and the button that imports; then the result.
    A big file's check or import runs in the background and this page shows how far.
    Every change of state is a POST: import (the default), read the file again with
    another encoding or separator ("reread"), or start a failed run again ("retry")."""
    record = get_import_for_user(request.user, pk, write=request.method == "POST")
    # A run whose worker or database died is given up on here, when someone looks.
    if record.is_running and imports_fail_stalled(ImportRecord.objects.filter(pk=record.pk)):
        record.refresh_from_db()
    if request.method == "POST":
        action = request.POST.get("action", "import")
        if action == "reread":
            reading = ImportReadingForm(request.POST)
            if not reading.is_valid():
                raise SuspiciousOperation("No such encoding or separator")
            delimiter = reading.cleaned_data["delimiter"]
            started = import_reread(
                record=record,
                encoding=reading.cleaned_data["encoding"],
                delimiter="\t" if delimiter == "tab" else delimiter,
            )
        elif action == "retry":
            started = import_retry(record=record)
        else:
            started = import_confirm(record=record)
        if not started:
            raise Http404  # imported already, never checked, or not failed
        return redirect("exchange:import_preview", pk=record.pk)
    context = {"record": record, "may_act": may_act_on_import(request.user, record)}
    if request.htmx and not record.is_running:
        return HttpResponseClientRefresh()  # done: the whole page shows the result
    if record.is_running:
        template = "exchange/import_progress.html"
        if request.htmx:
            template = "exchange/includes/import_progress_status.html"
        return render(request, template, context)
    stored = record.report
    if "rows" in stored:
        report = ImportReport.from_json(stored)
        problems = [row for row in report.rows if row.status == "error"]
        others = [row for row in report.rows if row.status != "error"]
        context |= {
            "report": report,
            "unknown_headers": stored.get("unknown_headers", []),
            "shown_rows": problems + others[:PREVIEW_ROWS],
            "hidden_rows": max(0, len(others) - PREVIEW_ROWS),
        }
    context |= {
        "file_error": stored.get("file_error", ""),
        "written": record.status != ImportRecord.Status.PREVIEWED,
        "stalled_minutes": settings.IMPORT_STALLED_AFTER // 60,
        "reading": ImportReadingForm(
            initial={
                "encoding": record.encoding,
                "delimiter": "tab" if record.delimiter == "\t" else record.delimiter,
            }
        ),
    }
    return render(request, "exchange/import_preview.html", context)


@require_safe
def directory_export_hsds(request):
    """The directory as the visitor filtered it, as an Open Referral HSDS 3.0 package:
    published entries, public fields."""
    form = DirectoryFilterForm.of_request(request)
    organizations = directory_matches(form.directory_query())
    # FileResponse closes (and so deletes) it once sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    write_package(organizations, handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename="organizations-hsds.zip",
        content_type="application/zip",
    )
