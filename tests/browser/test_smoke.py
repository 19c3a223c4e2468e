import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_opens_the_portal_switches_language_and_signs_in(page, coordinator):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))  # the browser asks for English
    expect(page.locator("h1")).to_have_text(
        "Cooperation between municipalities and community organizations"
    )
    assert_accessible(page)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Latviešu").click()
    expect(page).to_have_url(re.compile(r"/lv/$"))
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.locator("h1")).to_have_text("Sadarbība starp pašvaldībām un kopienas organizācijām")

    page.get_by_role("link", name="Pieslēgties").click()
    expect(page).to_have_url(re.compile(r"/lv/accounts/login/$"))
    assert_accessible(page)

    # A wrong password first: the error summary appears and takes focus.
    page.get_by_label("E-pasta adrese").fill("coordinator@example.org")
    page.get_by_label("Parole").fill("not-the-password")
    page.get_by_role("button", name="Pieslēgties").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Radās problēma")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Kļūda: "))
    assert_accessible(page)

    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Pieslēgties").click()
    expect(page).to_have_url(re.compile(r"/lv/my-work/$"))  # coordinators land on My work
    expect(page.get_by_text("Anna Bērziņa")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Atslēgties").click()
    expect(page.get_by_role("link", name="Pieslēgties")).to_be_visible()


def test_the_skip_link_moves_focus_to_the_main_content(page, db):
    page.goto("/en/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
