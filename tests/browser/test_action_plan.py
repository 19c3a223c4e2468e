"""The action plan in a browser: rows added and moved with the page's own buttons (no
script needed), saved, and a second editor who loaded the page before sees the conflict."""

import os

import pytest
from playwright.sync_api import expect

from actionplans.models import Partnership
from tests.factories import (
    MemberFactory,
    OrganizationMembershipFactory,
    PartnershipFactory,
)

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("SCREENSHOTS")


def fill_row(page, index, activity, name):
    page.locator(f"#id_actions-{index}-activity").fill(activity)
    page.locator(f"#id_actions-{index}-responsible_name").fill(name)


def test_staff_add_and_move_rows_and_a_second_editor_sees_the_conflict(
    browser, live_server, municipality, staff, organization
):
    partnership = PartnershipFactory(municipality=municipality, title="Atelpas brīži kopā")
    MemberFactory(partnership=partnership, organization=organization)
    representative = OrganizationMembershipFactory(organization=organization).user
    address = f"/en/partnerships/{partnership.pk}/action-plan/"

    # The representative opens the plan first and leaves it open.
    other_context, other = sign_in(browser, live_server, representative.email)
    other.goto(address)

    context, page = sign_in(browser, live_server, staff.email)
    page.goto(address)
    page.evaluate("window.sameDocument = true")
    fill_row(page, 0, "Telpu atrašana", "Anna Bērziņa")
    page.get_by_role("button", name="Add another action").click()
    page.locator("#id_actions-1-activity").wait_for()
    # htmx swapped the rows in place; the new row's first field has the focus.
    assert page.evaluate("window.sameDocument === true")
    assert page.evaluate("document.activeElement.id") == "id_actions-1-activity"
    fill_row(page, 1, "Brīvprātīgo apmācība", "Jānis Ozols")
    page.get_by_role("button", name="Add another action").click()
    fill_row(page, 2, "Vecāku informēšana", "Līga Kalniņa")
    page.get_by_role("button", name="Move up action 3").click()
    expect(page.locator("#id_actions-1-activity")).to_have_value("Vecāku informēšana")
    expect(page.locator("#id_actions-2-activity")).to_have_value("Brīvprātīgo apmācība")
    # The moved row's same button has the focus, to move it again.
    expect(page.locator("#actions-row-1-up")).to_be_focused()
    assert page.evaluate("window.sameDocument === true")
    # Nothing is saved until the page is submitted.
    assert not partnership.actions.exists()
    page.get_by_role("button", name="Save the action plan").click()
    page.get_by_text("The action plan is saved.").wait_for()
    assert list(partnership.actions.order_by("position").values_list("activity", flat=True)) == [
        "Telpu atrašana",
        "Vecāku informēšana",
        "Brīvprātīgo apmācība",
    ]
    table = page.get_by_role("region", name="The action plan as saved")
    assert table.get_by_role("cell", name="Vecāku informēšana").is_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/action-plan-saved.png", full_page=True)

    # The representative's page is from before the save: their save is refused.
    fill_row(other, 0, "Mana rinda", "Pēteris")
    other.get_by_role("button", name="Save the action plan").click()
    conflict = other.get_by_role("alert").filter(
        has_text="Someone else saved the action plan while you were editing"
    )
    conflict.wait_for()
    assert other.locator("#id_actions-0-activity").input_value() == "Mana rinda"
    theirs = other.get_by_role("region", name="The action plan as saved")
    assert theirs.get_by_role("cell", name="Telpu atrašana").is_visible()
    if SCREENSHOTS:
        other.screenshot(path=f"{SCREENSHOTS}/action-plan-conflict.png", full_page=True)
    assert partnership.actions.count() == 3
    assert Partnership.objects.get(pk=partnership.pk).actions_version == 2
    other_context.close()
    context.close()


def test_the_action_plan_fits_a_320_pixel_screen_and_passes_axe(
    browser, live_server, municipality, staff, organization
):
    partnership = PartnershipFactory(municipality=municipality, title="Atelpas brīži kopā")
    MemberFactory(partnership=partnership, organization=organization)
    partnership.actions.create(
        activity="Ļoti garš darbības nosaukums, kas neietilpst šaurā ekrānā vienā rindā",
        responsible_name="Anna Bērziņa",
        status="blocked",
        blocked_reason="Nav telpu, kamēr dome nav lēmusi",
    )
    context, page = sign_in(browser, live_server, staff.email, width=320)
    page.goto(f"/en/partnerships/{partnership.pk}/action-plan/")
    blocked = "Blocked: Nav telpu, kamēr dome nav lēmusi"
    assert page.locator("#actions-row-0").get_by_text(blocked).is_visible()
    assert page.get_by_role("region", name="The action plan as saved").get_by_text(blocked).count()
    # Only the table may scroll, inside its own region; the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/action-plan-320.png", full_page=True)
    assert_accessible(page)
    page.goto(f"/en/partnerships/{partnership.pk}/communication-plan/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.goto(f"/en/partnerships/{partnership.pk}/calendar/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    context.close()


def test_the_row_buttons_work_without_javascript(
    browser, live_server, municipality, staff, organization
):
    partnership = PartnershipFactory(municipality=municipality, title="Bez skriptiem")
    MemberFactory(partnership=partnership, organization=organization)
    context, page = sign_in(browser, live_server, staff.email, javascript=False)
    page.goto(f"/en/partnerships/{partnership.pk}/action-plan/")
    fill_row(page, 0, "Pirmā", "Anna Bērziņa")
    page.get_by_role("button", name="Add another action").click()
    assert page.url.endswith("#id_actions-1-activity")
    fill_row(page, 1, "Otrā", "Jānis Ozols")
    page.get_by_role("button", name="Move up action 2").click()
    assert page.locator("#id_actions-0-activity").input_value() == "Otrā"
    page.get_by_role("button", name="Remove action 2").click()
    assert page.locator("#id_actions-1-activity").count() == 0
    page.get_by_role("button", name="Save the action plan").click()
    page.get_by_text("The action plan is saved.").wait_for()
    assert list(partnership.actions.values_list("activity", flat=True)) == ["Otrā"]
    context.close()
