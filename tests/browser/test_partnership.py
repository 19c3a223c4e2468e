"""A partnership in a browser at 320 px: started by staff, partners added with the "add
another" buttons, the details filled; every page passes axe and reflows (WCAG 1.4.10)."""

import pytest

from actionplans.models import Member, Partnership
from orgs.models import MunicipalityMembership
from tests.factories import PASSWORD, MunicipalityMembershipFactory, OrganizationFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    assert_accessible(page)


def test_staff_start_a_partnership_and_add_its_partners_on_a_small_screen(
    browser, live_server, municipality
):
    staff = MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user
    OrganizationFactory(
        name="Biedrība „Brīnumiņš” ar ļoti garu nosaukumu", home_municipality=municipality
    )
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    page.goto("/en/partnerships/")
    fits(page)
    page.get_by_role("link", name="Start a partnership").click()
    page.get_by_role("button", name="Start the partnership").click()
    page.get_by_role("alert").get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error: ")
    fits(page)
    page.get_by_label("Title").fill("Atelpas brīži")
    page.get_by_label("Shared result").fill("Ģimenes saņem atelpas brīžus.")
    page.get_by_role("button", name="Start the partnership").click()
    page.get_by_role("heading", name="Atelpas brīži").wait_for()
    fits(page)

    page.get_by_role("link", name="Add the partners").click()
    fits(page)
    page.get_by_label("Organization from the directory").fill(
        "Biedrība „Brīnumiņš” ar ļoti garu nosaukumu"
    )
    page.get_by_label("Role").select_option("signatory")
    page.get_by_role("button", name="Add another partner").click()
    page.locator("#id_members-1-organization").wait_for()
    # The page came back with a second row, the first kept, and the focus on the new row.
    second = page.locator("#id_members-1-organization")
    assert page.evaluate("document.activeElement.id") == "id_members-1-organization"
    page.locator("#id_members-1-name").fill("Vecāku grupa")
    page.locator("#id_members-1-role").select_option("funding")
    assert second.input_value() == ""
    page.get_by_role("button", name="Save and return to the tasks").click()
    page.get_by_text("The partners are saved.").wait_for()
    partnership = Partnership.objects.get()
    assert list(partnership.members.order_by("position").values_list("role", flat=True)) == [
        Member.Role.LEAD_MUNICIPALITY,
        Member.Role.SIGNATORY,
        Member.Role.FUNDING,
    ]

    page.get_by_role("link", name="Fill in the details").click()
    fits(page)
    page.get_by_label("Start date (optional)").fill("2026-05-01")
    page.get_by_label("End date (optional)").fill("2026-04-01")
    page.get_by_role("button", name="Save and return to the tasks").click()
    page.get_by_role("alert").get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error: ")
    fits(page)
    page.get_by_label("End date (optional)").fill("2026-12-31")
    page.get_by_role("button", name="Save and return to the tasks").click()
    page.get_by_text("The details are saved.").wait_for()
    partnership.refresh_from_db()
    assert str(partnership.ends_on) == "2026-12-31"
    context.close()
