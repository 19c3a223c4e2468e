"""What the evaluation report holds (evaluation.report.evaluation_report): gathered once
for its page and its PDF, as of the municipality's today."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from evaluation.models import EvidenceFile
from evaluation.progress import progress_of_kpis
from evaluation.report import evaluation_report, report_filename
from tests.actionplans.signed_revisions import signed_revision
from tests.factories import EvaluationStageFactory, EvidenceFactory, KpiFactory

from .conftest import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(partnership):
    kpi = KpiFactory(partnership=partnership)
    approved(kpi, Decimal("44"), date(2026, 6, 30))
    KpiFactory(partnership=partnership)
    stage = EvaluationStageFactory(
        partnership=partnership, subjects=["communication", "coordination"], findings="Labi"
    )
    evidence = EvidenceFactory(partnership=partnership, stage=stage)
    EvidenceFile.objects.create(
        evidence=evidence,
        name="protokols.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        content=b"%PDF-1.7 sample",
    )
    EvidenceFactory(partnership=partnership)
    return partnership


def test_the_report_holds_the_progress_that_progress_of_kpis_computes(evaluated):
    report = evaluation_report(evaluated)
    today = evaluated.local_today()
    assert report.as_of == today
    expected = progress_of_kpis(evaluated.kpis.all(), today_of=lambda kpi: today)
    assert [(p.kpi.pk, p.value, p.fraction, p.state) for p in report.kpis] == [
        (p.kpi.pk, p.value, p.fraction, p.state) for p in expected
    ]


def test_the_report_names_the_partners_stages_subjects_and_evidence_files(evaluated):
    with translation.override("en"):
        report = evaluation_report(evaluated)
        assert report.partners == [
            ("Talsu novads", "Lead municipality"),
            ("Biedrība „Brīnumiņš”", "Signatory"),
        ]
        (stage,) = report.stages
        assert stage.subjects == ["Communication", "Coordination"]
        assert sorted(item.file_name or "" for item in report.evidence) == ["", "protokols.pdf"]
        assert report.signed_revision is None
        assert report.title == "Evaluation report of Atelpas brīži"


def test_the_report_names_the_latest_signed_revision(
    municipality, coordinator, organization, representative
):
    revision = signed_revision(
        municipality=municipality,
        coordinator=coordinator,
        organization=organization,
        representative=representative,
    )
    partnership = (
        type(revision.partnership).objects.with_municipality().get(pk=revision.partnership_id)
    )
    assert evaluation_report(partnership).signed_revision == revision


def test_the_report_takes_the_same_queries_however_many_rows(
    partnership, django_assert_num_queries
):
    counts = []
    for count in (1, 10):
        for _number in range(count):
            kpi = KpiFactory(partnership=partnership)
            approved(kpi, Decimal("44"), date(2026, 6, 30))
            stage = EvaluationStageFactory(partnership=partnership)
            EvidenceFactory(partnership=partnership, stage=stage)
        with django_assert_num_queries(6) as captured:
            evaluation_report(partnership)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_file_name_holds_the_title_and_the_date(partnership):
    with translation.override("en"):
        report = evaluation_report(partnership)
        assert report_filename(report) == (
            f"Atelpas brīži – evaluation report {report.as_of.isoformat()}.pdf"
        )
