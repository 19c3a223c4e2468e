import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD, MunicipalityMembershipFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name, tmp_path):
    # BROWSER_SCREENSHOTS=dir keeps the pictures for a person to look at.
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_register_confirm_approve_find_without_accents_and_open(
    browser, live_server, municipality, tmp_path
):
    staff = MunicipalityMembershipFactory(
        municipality=municipality,
        user__email="staff@example.org",
        user__full_name="Māra Darbiniece",
    ).user

    # An organization registers itself.
    visitor = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = visitor.new_page()
    page.goto("/en/organizations/")
    page.get_by_role("link", name="Register your organization").click()
    assert_accessible(page)
    page.get_by_label("Name of the organization").fill("Biedrība „Dzērvenīte”")
    page.get_by_label("Type of organization").select_option("youth_organization")
    page.get_by_label("Home municipality").select_option(str(municipality.pk))
    page.get_by_label("Purpose (optional)", exact=True).fill("Jauniešu brīvprātīgais darbs purvā.")
    page.get_by_label("Name of the programme or service").fill("Purva takas")
    page.get_by_label("Your full name").fill("Ieva Dzērve")
    page.get_by_label("Your e-mail address").fill("ieva@example.org")
    page.get_by_role("textbox", name="Password", exact=True).fill("a-long-and-unusual-password")
    page.get_by_role("textbox", name="Password confirmation").fill("a-long-and-unusual-password")
    page.get_by_role("button", name="Send for checking").click()
    # Consent is required: the error summary says so and takes focus.
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to agree")
    shot(page, "register-error", tmp_path)
    assert_accessible(page)
    page.get_by_role("textbox", name="Password", exact=True).fill("a-long-and-unusual-password")
    page.get_by_role("textbox", name="Password confirmation").fill("a-long-and-unusual-password")
    page.get_by_label("I agree that these details are published in the directory").check()
    page.get_by_role("button", name="Send for checking").click()
    expect(page.locator("h1")).to_have_text("Registration received")

    # The representative confirms the e-mail address with the button behind the link.
    confirmation = next(m for m in mail.outbox if m.to == ["ieva@example.org"])
    link = re.search(r"https?://[^/\s]+(/\S+/confirm-email/\S+/)", confirmation.body)[1]
    page.goto(link)
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_text("Signed in as Ieva Dzērve")).to_be_visible()
    assert any(m.to == ["staff@example.org"] for m in mail.outbox)

    # Staff of the municipality approve it from their queue.
    office = browser.new_context(base_url=live_server.url, bypass_csp=True)
    desk = office.new_page()
    desk.goto("/en/accounts/login/")
    desk.get_by_label("E-mail address").fill(staff.email)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_role("link", name="My work").click()
    desk.get_by_role("link", name="Biedrība „Dzērvenīte”").click()
    shot(desk, "moderate", tmp_path)
    assert_accessible(desk)
    desk.get_by_role("button", name="Approve and publish").click()
    expect(desk.get_by_text("Published. The representatives have been told.")).to_be_visible()

    # Anyone finds it, typing without diacritics, and opens its page.
    public = browser.new_context(base_url=live_server.url, bypass_csp=True)
    reader = public.new_page()
    reader.goto("/en/organizations/")
    reader.get_by_label("Search").fill("dzervenite")
    reader.get_by_role("button", name="Search").click()
    expect(reader.locator("#result-count")).to_have_text(re.compile("1 organization"))
    shot(reader, "directory-search", tmp_path)
    reader.get_by_role("link", name="Biedrība „Dzērvenīte”").click()
    expect(reader.locator("h1")).to_have_text("Biedrība „Dzērvenīte”")
    expect(reader.get_by_text("Purva takas")).to_be_visible()
    shot(reader, "organization", tmp_path)
    assert_accessible(reader)
    for context in (visitor, office, public):
        context.close()


def test_programmes_are_added_moved_and_removed_by_keyboard_without_javascript(
    browser, live_server, municipality
):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/en/organizations/register/")
    page.get_by_label("Name of the programme or service").fill("Purva takas")
    add = page.get_by_role("button", name="Add another programme or service")
    add.focus()
    page.keyboard.press("Enter")
    # The page comes back at the new row, its first field ready for typing.
    expect(page).to_have_url(re.compile(r"/register/#id_services-1-name$"))
    expect(page.locator("#id_services-1-name")).to_be_focused()
    page.keyboard.type("Nometne")
    expect(page.locator("#id_services-0-name")).to_have_value("Purva takas")
    page.get_by_role("button", name="Move up programme or service 2").press("Enter")
    expect(page.get_by_role("button", name="Move down programme or service 1")).to_be_focused()
    expect(page.locator("#id_services-0-name")).to_have_value("Nometne")
    expect(page.locator("#id_services-1-name")).to_have_value("Purva takas")
    page.get_by_role("button", name="Remove programme or service 1").press("Enter")
    expect(page.locator("#services-row-0")).to_be_focused()  # the row now first
    expect(page.locator("#id_services-0-name")).to_have_value("Purva takas")
    expect(page.locator("#id_services-1-name")).to_have_count(0)
    expect(page.get_by_text("There is a problem")).to_have_count(0)
    context.close()

    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/en/organizations/register/")
    page.get_by_role("button", name="Add another programme or service").click()
    expect(page.locator("#id_services-1-name")).to_be_focused()
    assert_accessible(page)
    context.close()
