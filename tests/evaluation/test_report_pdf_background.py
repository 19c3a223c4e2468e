"""A large evaluation report's PDF is made by the task worker (evaluation.tasks); the page
evaluation:report_pdf_status says when it is ready. A small one stays in the request."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone, translation

from evaluation.models import EvaluationReportPdf, Measurement
from evaluation.report import ReportPrint, estimated_lines
from tests.factories import (
    EvaluationStageFactory,
    EvidenceFactory,
    KpiFactory,
    MeasurementFactory,
)
from tests.pdfs import pdf_text

from .conftest import approved, url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(partnership):
    kpi = KpiFactory(partnership=partnership, position=0, name="Jauniešu nodarbinātība")
    approved(kpi, Decimal("44"), date(2026, 6, 30))
    EvaluationStageFactory(partnership=partnership, findings="Saziņa uzlabojusies.")
    EvidenceFactory(partnership=partnership, summary="Fokusa grupa ar vecākiem.")
    return partnership


@pytest.fixture
def large(settings, evaluated):
    """A report over the threshold (lowered, so that the test stays fast)."""
    settings.PDF_BACKGROUND_LINES = 10
    return evaluated


def urls(partnership):
    return url_of("report_pdf", pk=partnership.pk), url_of("report_pdf_status", pk=partnership.pk)


def test_the_estimate_counts_kpis_approved_measurements_stages_and_evidence(
    partnership, django_assert_num_queries
):
    with django_assert_num_queries(4):
        assert estimated_lines(partnership) == 0
    kpi = KpiFactory(partnership=partnership, source="", method="m" * 180)
    approved(kpi, Decimal(1), date(2026, 6, 30))
    approved(kpi, Decimal(2), date(2026, 7, 30))
    MeasurementFactory(
        kpi=kpi,
        value=3,
        measured_on=date(2026, 8, 30),
        status=Measurement.Status.REJECTED,
        reviewed_at=timezone.now(),
        review_note="Nav pierādīts.",
    )
    EvaluationStageFactory(partnership=partnership, findings="")
    EvidenceFactory(partnership=partnership, summary="s" * 90)
    # A KPI (40) and its 180 characters (2), two approved rows (2 x 2), a stage (7), a piece
    # of evidence (8) and its 90 characters (1); the rejected measurement is not printed.
    with django_assert_num_queries(4):
        assert estimated_lines(partnership) == 40 + 2 + 4 + 7 + 8 + 1


def test_the_benchmarks_report_goes_to_the_worker_and_the_demos_stays_in_the_request(
    partnership,
):
    for number in range(3):  # the demo's size: 3 KPIs, 6 measurements
        kpi = KpiFactory(partnership=partnership, position=number)
        approved(kpi, Decimal(1), date(2026, 6, 30))
        approved(kpi, Decimal(2), date(2026, 7, 30))
    assert not ReportPrint(partnership).in_background
    for number in range(3, 20):  # 20 KPIs x 50 measurements (bench/evaluation_report.py)
        KpiFactory(partnership=partnership, position=number)
    for kpi in partnership.kpis.all():
        Measurement.objects.bulk_create(
            Measurement(
                kpi=kpi,
                value=Decimal(day),
                measured_on=date(2024, 1, 1) + timedelta(days=14 * day),
                status=Measurement.Status.APPROVED,
                reviewed_at=timezone.now(),
            )
            for day in range(48)
        )
    assert ReportPrint(partnership).in_background


def test_a_small_report_is_printed_in_the_request(client, staff, evaluated):
    client.force_login(staff)
    pdf_url, status_url = urls(evaluated)
    page = client.get(url_of("report", pk=evaluated.pk))
    assert f'href="{pdf_url}" download' in page.text and status_url not in page.text
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
    assert client.get(status_url)["Location"] == pdf_url
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == pdf_url  # a page that polled goes to the PDF
    assert client.post(status_url)["Location"] == pdf_url
    assert not EvaluationReportPdf.objects.exists()


def test_a_large_report_is_printed_by_the_worker_and_downloaded_when_ready(
    client, staff, large, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    pdf_url, status_url = urls(large)
    page = client.get(url_of("report", pk=large.pk))
    assert f'<form method="post" action="{status_url}">' in page.text
    assert f'href="{pdf_url}"' not in page.text  # no "download" of a page that is HTML
    assert client.get(pdf_url)["Location"] == status_url  # nothing ready: the page
    assert "Prepare the PDF" in client.get(status_url).text

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(status_url)
    assert response["Location"] == status_url
    assert len(queued) == 1
    pdf = EvaluationReportPdf.objects.get()
    assert (pdf.status, pdf.requested_by, pdf.language) == ("pending", staff, "en")
    assert client.get(pdf_url)["Location"] == status_url
    page = client.get(status_url)
    assert "Your PDF is being prepared" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert f'<a href="{status_url}" class="btn btn-outline-secondary">Check again</a>' in page.text
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert "<html" not in polled.text and "Your PDF is being prepared" in polled.text

    queued[0]()  # the worker runs the task (ImmediateBackend)
    pdf.refresh_from_db()
    assert pdf.status == "ready" and pdf.finished_at and pdf.fingerprint
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert "Your PDF is ready" in polled.text and "hx-trigger" not in polled.text
    assert f'href="{pdf_url}"' in polled.text
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    today = large.local_today().isoformat()
    assert f"evaluation%20report%20{today}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content, tmp_path)
    assert "Jauniešu nodarbinātība" in text and "Fokusa grupa ar vecākiem." in text


def test_a_new_approval_makes_a_new_pdf_and_the_same_data_the_same(
    client, staff, large, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    pdf_url, status_url = urls(large)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    first = EvaluationReportPdf.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(status_url)  # nothing changed: the same PDF, nothing to make
    assert not queued and EvaluationReportPdf.objects.get().pk == first.pk
    assert ReportPrint(large).fingerprint == first.fingerprint

    approved(large.kpis.get(), Decimal("47"), date(2026, 9, 30))
    assert client.get(pdf_url)["Location"] == status_url
    assert "The report has changed since its PDF was made" in client.get(status_url).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    new = EvaluationReportPdf.objects.get()  # only the newest is kept
    assert new.pk != first.pk and new.fingerprint != first.fingerprint
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


def test_a_new_day_makes_a_new_pdf(client, staff, large, django_capture_on_commit_callbacks):
    client.force_login(staff)
    pdf_url, status_url = urls(large)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    tomorrow = large.local_today() + timedelta(days=1)
    with mock.patch.object(type(large), "local_today", return_value=tomorrow):
        assert client.get(pdf_url)["Location"] == status_url  # yesterday's report is old


def test_an_entered_measurement_waiting_for_approval_changes_nothing(
    client, staff, large, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    pdf_url, status_url = urls(large)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    MeasurementFactory(
        kpi=large.kpis.get(), value=99, measured_on=date(2026, 9, 30), status="pending"
    )
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


def test_asking_twice_makes_one_pdf(client, staff, large, django_capture_on_commit_callbacks):
    client.force_login(staff)
    _pdf_url, status_url = urls(large)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(status_url)
        client.post(status_url)
    assert EvaluationReportPdf.objects.count() == 1 and len(queued) == 1
    queued[0]()
    queued[0]()  # a task queued twice: claimed once
    assert EvaluationReportPdf.objects.get().status == "ready"


def test_a_pdf_in_each_language_is_printed_in_it(
    client, staff, large, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    _pdf_url, status_url = urls(large)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url.replace("/en/", "/lv/", 1))
    lv = EvaluationReportPdf.objects.get()
    assert (lv.language, lv.status) == ("lv", "ready")
    with translation.override("lv"):
        assert lv.fingerprint == ReportPrint(large).fingerprint
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)  # the English one beside it
    assert set(EvaluationReportPdf.objects.values_list("language", flat=True)) == {"lv", "en"}
    english = EvaluationReportPdf.objects.get(language="en")
    assert english.fingerprint != lv.fingerprint
    assert "Evaluation report" in pdf_text(bytes(english.content), tmp_path)


def test_a_failed_or_lost_pdf_says_so_and_can_be_made_again(
    client, staff, large, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    pdf_url, status_url = urls(large)

    def broken(self):
        raise RuntimeError("WeasyPrint broke")

    monkeypatch.setattr(ReportPrint, "pdf", broken)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(status_url)
    queued[0]()  # the worker logs the error
    assert EvaluationReportPdf.objects.get().status == "failed"
    assert client.get(pdf_url)["Location"] == status_url
    page = client.get(status_url)
    assert "The PDF could not be made" in page.text and "Try again" in page.text
    assert "hx-trigger" not in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(status_url)
    assert EvaluationReportPdf.objects.get().status == "pending"
    # A worker that died leaves it pending: after ten minutes the page says it failed.
    EvaluationReportPdf.objects.update(
        created_at=EvaluationReportPdf.objects.get().created_at - timedelta(minutes=11)
    )
    page = client.get(status_url)
    assert "The PDF could not be made" in page.text and "hx-trigger" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    assert EvaluationReportPdf.objects.get().status == "ready"
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


def test_only_members_ask_for_and_download_the_pdf(
    client,
    settings,
    evaluated,
    representative,
    outsider,
    other_representative,
    administrator,
    django_capture_on_commit_callbacks,
):
    settings.PDF_BACKGROUND_LINES = 0
    pdf_url, status_url = urls(evaluated)
    for user in (outsider, other_representative, administrator):
        client.force_login(user)
        assert client.get(status_url).status_code == 404
        assert client.post(status_url).status_code == 404
        assert client.get(pdf_url).status_code == 404
    assert not EvaluationReportPdf.objects.exists()

    client.force_login(representative)  # a partner's representative is a member
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(status_url).status_code == 302
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
    assert client.put(status_url).status_code == 405
    assert client.post(pdf_url).status_code == 405

    client.logout()
    response = client.get(status_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
