"""A partnership in a browser at 320 px: started by staff, partners added with the "add
another" buttons, the details filled; every page passes axe and reflows (WCAG 1.4.10).
Two editors of the details: the second sees the conflict, nothing is overwritten."""

import pytest
from playwright.sync_api import expect

from actionplans.models import Member, Partnership
from actionplans.services import partnership_start
from orgs.models import MunicipalityMembership
from tests.factories import PASSWORD, MunicipalityMembershipFactory, OrganizationFactory

from .conftest import assert_accessible, sign_in

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


def test_a_second_editor_of_the_details_sees_the_conflict_and_keeps_their_text(
    browser, live_server, municipality
):
    first = MunicipalityMembershipFactory(municipality=municipality).user
    second = MunicipalityMembershipFactory(municipality=municipality).user
    partnership = partnership_start(
        municipality=municipality, title="Kopā", shared_result="Rezultāts", actor=first
    )
    url = f"/en/partnerships/{partnership.pk}/details/"
    context_a, page_a = sign_in(browser, live_server, first.email)
    context_b, page_b = sign_in(browser, live_server, second.email)
    page_a.goto(url)
    page_b.goto(url)
    page_a.get_by_label("Shared strategy (optional)").fill("Annas stratēģija")
    page_a.get_by_role("button", name="Save and return to the tasks").click()
    page_a.get_by_text("The details are saved.").wait_for()

    page_b.get_by_label("Shared strategy (optional)").fill("Bruno stratēģija")
    page_b.get_by_role("button", name="Save and return to the tasks").click()
    conflict = page_b.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else saved the details while you were editing")
    expect(conflict).to_contain_text("Annas stratēģija")
    expect(page_b.get_by_label("Shared strategy (optional)")).to_have_value("Bruno stratēģija")
    partnership.refresh_from_db()
    assert partnership.strategy == "Annas stratēģija"

    # Merged and saved again, it goes through.
    page_b.get_by_label("Shared strategy (optional)").fill("Annas un Bruno stratēģija")
    page_b.get_by_role("button", name="Save and return to the tasks").click()
    page_b.get_by_text("The details are saved.").wait_for()
    partnership.refresh_from_db()
    assert partnership.strategy == "Annas un Bruno stratēģija"
    context_a.close()
    context_b.close()
