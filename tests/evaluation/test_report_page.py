"""The evaluation report's page (evaluation.views.documents.report)."""

from datetime import date
from decimal import Decimal

import pytest

from evaluation.charts import kpi_number
from evaluation.progress import progress_of_kpis
from tests.actionplans.signed_revisions import signed_revision
from tests.factories import EvaluationStageFactory, EvidenceFactory, KpiFactory

from .conftest import approved, url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi(partnership):
    kpi = KpiFactory(partnership=partnership, name="Nodarbināto jauniešu īpatsvars")
    approved(kpi, Decimal("44"), date(2026, 6, 30))
    approved(kpi, Decimal("46.5"), date(2026, 9, 30), is_estimate=True)
    return kpi


def test_members_see_each_kpis_numbers_as_progress_of_kpis_gives_them(
    client, partnership, representative, kpi
):
    client.force_login(representative)
    response = client.get(url_of("report", pk=partnership.pk))
    assert response.status_code == 200
    (progress,) = progress_of_kpis([kpi], today_of=lambda _kpi: partnership.local_today())
    assert response.context["report"].kpis[0].value == progress.value
    html = response.content.decode()
    assert "Nodarbināto jauniešu īpatsvars" in html
    assert kpi_number(kpi, progress.value) in html  # 46.5 %
    assert f"{progress.percent}&nbsp;%" in html
    assert str(progress.state.label) in html
    assert 'role="img"' in html and "<caption>Approved values of" in html
    assert "Download the report (PDF)" in html
    assert url_of("report_pdf", pk=partnership.pk) in html
    assert url_of("kpis_xlsx", pk=partnership.pk) in html


def test_the_page_says_it_is_not_the_signed_plan_and_which_revision_is(
    client, municipality, coordinator, organization, representative
):
    revision = signed_revision(
        municipality=municipality,
        coordinator=coordinator,
        organization=organization,
        representative=representative,
    )
    client.force_login(coordinator)
    html = client.get(url_of("report", pk=revision.partnership_id)).content.decode()
    assert "This report is not the signed plan. The signed plan is revision 1 of" in html


def test_an_unsigned_partnerships_report_says_the_plan_is_not_signed_yet(
    client, partnership, staff
):
    client.force_login(staff)
    html = client.get(url_of("report", pk=partnership.pk)).content.decode()
    assert "The plan has not been signed yet." in html
    assert "No KPIs yet." in html and "No evidence yet." in html


def test_user_text_is_escaped(client, partnership, staff):
    KpiFactory(partnership=partnership, name="<script>alert(1)</script>")
    EvidenceFactory(partnership=partnership, summary="<img src=x onerror=alert(1)>")
    client.force_login(staff)
    html = client.get(url_of("report", pk=partnership.pk)).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_outsiders_get_404_and_a_post_is_not_allowed(
    client, partnership, outsider, other_representative, administrator, staff
):
    url = url_of("report", pk=partnership.pk)
    for user in (outsider, other_representative, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.post(url).status_code == 405


def test_the_page_takes_the_same_queries_however_many_rows(
    client, partnership, staff, django_assert_num_queries
):
    client.force_login(staff)
    url = url_of("report", pk=partnership.pk)
    counts = []
    for count in (1, 10):
        for _number in range(count):
            kpi = KpiFactory(partnership=partnership)
            approved(kpi, Decimal("44"), date(2026, 6, 30))
            stage = EvaluationStageFactory(partnership=partnership, subjects=["communication"])
            EvidenceFactory(partnership=partnership, stage=stage)
        with django_assert_num_queries(17) as captured:  # 4 of them: the PDF's estimate
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
