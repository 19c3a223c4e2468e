"""Issue 12 as Trakai's people would do it in their browsers: staff define a KPI with a
baseline and a target and enter three measurements; the partner's representative approves
two and rejects one; the KPI's chart and its table show the approved two only; the
municipality's dashboard lists the KPI as off track; the evaluation report PDF holds it.

SCREENSHOTS=<folder> keeps each page as a picture, and the PDF beside them.
"""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actionplans.services import partnership_start
from evaluation.models import Kpi, Measurement
from evaluation.progress import State, progress_of_kpis
from orgs.models import MunicipalityMembership
from tests.factories import (
    ActionItemFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from tests.pdfs import assert_tagged, pdf_text

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

KPI = "Jaunimo užimtumas po praktikos"
VALUES = ["42", "44", "47"]  # the last one is rejected


def look(page, folder, name):
    assert_accessible(page)
    if folder:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_trakai_measures_a_kpi_approved_by_its_partner_and_reports_it(
    browser, live_server, tmp_path
):
    folder = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
    trakai = MunicipalityFactory(
        name="Trakų rajono savivaldybė", slug="trakai", country="LT", time_zone="Europe/Vilnius"
    )
    staff = MunicipalityMembershipFactory(
        municipality=trakai,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="staff.trakai@example.org",
        user__full_name="Rasa Jonaitė",
    ).user
    noriai = OrganizationFactory(name="Geri norai LT", home_municipality=trakai, country="LT")
    OrganizationMembershipFactory(
        organization=noriai, user__email="rep.noriai@example.org", user__full_name="Tomas Kazlas"
    )
    partnership = partnership_start(
        municipality=trakai,
        title="Jaunimo praktikos",
        shared_result="Jaunimas randa darbą po praktikos.",
        actor=staff,
    )
    partnership.members.create(role="signatory", organization=noriai, position=1)
    ActionItemFactory(partnership=partnership, activity="Praktikos vietos")
    today = partnership.local_today()
    baseline_on, target_on = today - datetime.timedelta(days=180), today + datetime.timedelta(185)
    measured = [today - datetime.timedelta(days=days) for days in (120, 60, 10)]

    # Staff define the KPI, from the partnership's page.
    context, page = sign_in(browser, live_server, "staff.trakai@example.org")
    page.goto(f"/en/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Open the evaluation").click()
    look(page, folder, "01-dashboard-empty")
    page.get_by_role("link", name="KPIs and measurements").first.click()
    page.get_by_role("link", name="Add a KPI").click()
    page.get_by_role("button", name="Add the KPI").click()  # nothing filled in: the errors
    expect(page.locator(".govuk-error-summary, [role=alert]").first).to_be_visible()
    look(page, folder, "02-kpi-errors")
    page.get_by_label("Name").fill(KPI)
    page.get_by_label("Unit (optional)").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("The latest one").check()
    page.locator("#id_baseline_value").fill("40")
    page.get_by_label("Date of the baseline").fill(baseline_on.isoformat())
    page.locator("#id_target_value").fill("55")
    page.get_by_label("Date of the target").fill(target_on.isoformat())
    page.get_by_label("Praktikos vietos").check()
    page.get_by_role("button", name="Add the KPI").click()
    kpi = Kpi.objects.get(name=KPI)
    assert list(kpi.actions.values_list("activity", flat=True)) == ["Praktikos vietos"]
    page.goto(f"/en/partnerships/{partnership.pk}/evaluation/kpis/{kpi.pk}/")
    for value, day in zip(VALUES, measured, strict=True):
        page.get_by_role("link", name="Add a measurement").click()
        page.locator("#id_value").fill(value)
        page.locator("#id_measured_on").fill(day.isoformat())
        page.get_by_role("button", name="Enter the measurement").click()
        expect(page.get_by_role("heading", name=KPI, level=1)).to_be_visible()
    assert Measurement.objects.filter(kpi=kpi, status="pending").count() == 3
    # Staff entered them for the municipality: the partner decides, not they.
    expect(page.get_by_role("link", name="Approve or reject")).to_have_count(0)
    look(page, folder, "03-kpi-waiting")
    context.close()

    # The representative approves two and rejects one, with a reason.
    context, page = sign_in(browser, live_server, "rep.noriai@example.org")
    for number in range(len(VALUES)):
        page.goto(f"/en/partnerships/{partnership.pk}/evaluation/kpis/{kpi.pk}/")
        page.get_by_role("link", name="Approve or reject").first.click()
        if number < 2:
            page.get_by_role("radio", name="Approve").check()
        else:
            page.get_by_role("radio", name="Reject").check()
            page.get_by_label("Reason (needed for a rejection)").fill("Counted twice.")
        page.get_by_role("button", name="Save the decision").click()
    statuses = dict(Measurement.objects.filter(kpi=kpi).values_list("value", "status"))
    assert {str(int(v)): s for v, s in statuses.items()} == {
        "42": "approved",
        "44": "approved",
        "47": "rejected",
    }
    context.close()

    # The chart and its table show the two approved values; the value is the latest, 44.
    [progress] = progress_of_kpis(
        Kpi.objects.filter(pk=kpi.pk).select_related("partnership__municipality")
    )
    assert progress.value == 44 and progress.state == State.OFF_TRACK
    context, page = sign_in(browser, live_server, "staff.trakai@example.org")
    page.goto(f"/en/partnerships/{partnership.pk}/evaluation/kpis/{kpi.pk}/")
    chart = page.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    assert chart.locator("title").count() >= 1
    table = page.locator("table.kpi-chart-table, table:has(caption)").first
    expect(table).to_contain_text("42")
    expect(table).to_contain_text("44")
    expect(table).not_to_contain_text("47")
    expect(page.get_by_text("Off track").first).to_be_visible()
    look(page, folder, "04-kpi-chart")
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    # The municipality's dashboard, from My work.
    page.goto("/en/my-work/")
    page.get_by_role(
        "link", name="Evaluation of the partnerships of Trakų rajono savivaldybė"
    ).click()
    expect(page.get_by_role("link", name=KPI).first).to_be_visible()
    look(page, folder, "05-municipality-dashboard")

    # The report and its PDF.
    page.goto(f"/en/partnerships/{partnership.pk}/evaluation/")
    page.get_by_role("link", name="Evaluation report").first.click()
    look(page, folder, "06-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    if folder:
        (folder / "07-report.pdf").write_bytes(content)
    assert_tagged(content, lang="en")
    text = " ".join(pdf_text(content, tmp_path).split())
    assert KPI in text
    assert "Off track" in text
    assert "44" in text and "Counted twice" not in text
    context.close()
