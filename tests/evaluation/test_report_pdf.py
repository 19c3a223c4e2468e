"""The evaluation report as a PDF (evaluation.views.documents.report_pdf, made by
evaluation.report.report_pdf): the same numbers as the page, tagged, not the signed plan."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from actionplans.models import LONG_TEXT_MAX_LENGTH
from evaluation.charts import kpi_number
from evaluation.models import EvidenceFile, Kpi
from evaluation.progress import progress_of_kpis
from evaluation.report import evaluation_report, report_pdf
from tests.actionplans.signed_revisions import signed_revision
from tests.factories import EvaluationStageFactory, EvidenceFactory, KpiFactory
from tests.pdfs import assert_tagged, pdf_info, pdf_text

from .conftest import approved, url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(partnership):
    employment = KpiFactory(partnership=partnership, position=0, name="Jauniešu nodarbinātība")
    approved(employment, Decimal("44"), date(2026, 6, 30))
    approved(employment, Decimal("46.5"), date(2026, 9, 30), is_estimate=True)
    trained = KpiFactory(
        partnership=partnership,
        position=1,
        name="Apmācīti jaunieši",
        unit="",
        decimals=0,
        aggregation=Kpi.Aggregation.SUM,
        baseline_value=Decimal(0),
        target_value=Decimal(100),
    )
    approved(trained, Decimal(30), date(2026, 3, 31))
    approved(trained, Decimal(25), date(2026, 6, 30))
    KpiFactory(partnership=partnership, position=2, name="Vēl nemērīts")
    stage = EvaluationStageFactory(
        partnership=partnership,
        name="Starpposma izvērtēšana",
        subjects=["communication"],
        findings="Saziņa uzlabojusies.",
    )
    evidence = EvidenceFactory(
        partnership=partnership, stage=stage, title="Fokusa grupa ar vecākiem", participants=12
    )
    EvidenceFile.objects.create(
        evidence=evidence,
        name="protokols.pdf",
        content_type="application/pdf",
        size=20,
        sha256="0" * 64,
        content=b"%PDF-1.7 SECRET-CONTENT",
    )
    return partnership


def flat(text):
    return re.sub(r"\s+", " ", text)


def test_the_pdf_holds_each_kpis_name_value_progress_and_state(client, evaluated, staff, tmp_path):
    client.force_login(staff)
    response = client.get(url_of("report_pdf", pk=evaluated.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = evaluated.local_today().isoformat()
    assert f"evaluation%20report%20{today}.pdf" in response["Content-Disposition"]
    assert "Atelpas" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = flat(pdf_text(response.content, tmp_path))
    kpis = list(evaluated.kpis.all())
    with translation.override("en"):
        for progress in progress_of_kpis(kpis, today_of=lambda kpi: evaluated.local_today()):
            assert progress.kpi.name in text
            assert flat(kpi_number(progress.kpi, progress.value)) in text
            assert str(progress.state.label) in text
            if progress.percent is not None:
                assert f"{progress.percent} %" in text
    assert "55" in text  # the trained youth: the baseline plus both measurements
    assert "Starpposma izvērtēšana" in text and "Saziņa uzlabojusies." in text
    assert "Fokusa grupa ar vecākiem" in text and "protokols.pdf" in text
    assert "SECRET-CONTENT" not in text
    assert "Evaluation report, as of" in text
    assert "The plan has not been signed yet." in text


def test_the_pdf_is_tagged_in_the_readers_language(evaluated, tmp_path):
    with translation.override("lv"):
        content = report_pdf(evaluation_report(evaluated))
    assert_tagged(content, lang="lv")
    assert pdf_info(content, tmp_path)["Tagged"] == "yes"


def test_the_pdf_names_the_signed_revision(
    client, municipality, coordinator, organization, representative, tmp_path
):
    revision = signed_revision(
        municipality=municipality,
        coordinator=coordinator,
        organization=organization,
        representative=representative,
    )
    client.force_login(representative)
    response = client.get(url_of("report_pdf", pk=revision.partnership_id))
    text = flat(pdf_text(response.content, tmp_path))
    assert "This report is not the signed plan. The signed plan is revision 1 of" in text


def test_the_charts_numbers_and_dates_are_in_the_readers_language(evaluated, tmp_path):
    with translation.override("lv"):
        text = flat(pdf_text(report_pdf(evaluation_report(evaluated)), tmp_path))
    assert "46,5 %" in text and "30.09.2026" in text


def test_long_user_text_and_markup_print_as_text(partnership, tmp_path):
    KpiFactory(
        partnership=partnership, name="<b>Treknrakstā</b>", method="x" * LONG_TEXT_MAX_LENGTH
    )
    EvidenceFactory(partnership=partnership, summary="Vārds " * (LONG_TEXT_MAX_LENGTH // 6))
    with translation.override("en"):
        text = flat(pdf_text(report_pdf(evaluation_report(partnership)), tmp_path))
    assert "<b>Treknrakstā</b>" in text


def test_outsiders_get_404_and_a_post_is_not_allowed(
    client, partnership, outsider, other_representative, administrator, staff
):
    url = url_of("report_pdf", pk=partnership.pk)
    for user in (outsider, other_representative, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.post(url).status_code == 405


def test_an_estimate_is_said_in_its_values_cell(evaluated, tmp_path):
    with translation.override("en"):
        text = pdf_text(report_pdf(evaluation_report(evaluated)), tmp_path)
    # Two columns in the PDF (a third fewer cells to lay out): the estimate beside its value.
    assert "Date Value" in flat(text) and "Date Value Estimate" not in flat(text)
    assert flat(text).count("(estimate)") == 1
