"""The portal on a phone: nothing scrolls sideways at 320 px (WCAG 1.4.10), and what a
person came for comes first at 375 px."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from checklists.services import roadmap_start, template_publish
from orgs.models import Organization
from orgs.sides import Side
from tests.factories import (
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["lv", "en", "lt", "sv", "pt", "el"]


def shot(page, name, tmp_path):
    # BROWSER_SCREENSHOTS=dir keeps the pictures for a person to look at.
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def too_wide(page):
    """The elements that reach past the window's right edge, to say what pushes the page."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > 320.5)
            .filter(e => !e.closest(".table-responsive") || e.matches(".table-responsive"))
            .map(e => e.tagName + "." + e.className + " " + e.getBoundingClientRect().right)"""
    )


def test_no_page_scrolls_sideways_at_320_pixels(browser, live_server, municipality, tmp_path):
    template_publish()
    organization = OrganizationFactory(
        name="Föreningen Barnens Framtidsverkstad", home_municipality=municipality
    )
    representative = OrganizationMembershipFactory(
        organization=organization, user__email="rep@example.org"
    ).user
    OrganizationFactory(
        name="Ungdomsorganisationssammanslutningen",
        home_municipality=municipality,
        status=Organization.Status.PENDING,
    )
    MunicipalityMembershipFactory(municipality=municipality, user__email="staff@example.org")
    roadmap = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpa", actor=representative
    )
    path = tmp_path / "rows.csv"
    path.write_text(
        "Name;Municipality;E-mail\n"
        "Ungdomsorganisationssammanslutningen;Talsu novads;info@example.org\n"
        "Slikta;Talsu novads;not-an-address\n",
        encoding="utf-8",
    )

    wide = {}

    def look(page, name):
        if scroll_width(page) > 320:
            wide[name] = too_wide(page)
        shot(page, f"320-{name}", tmp_path)

    context, page = sign_in(browser, live_server, "staff@example.org", width=320)
    for code in LANGUAGES:
        page.goto(f"/{code}/")
        look(page, f"{code}-home")
        assert_accessible(page)
    for code in ["en", "sv", "el"]:
        for name, path_ in [
            ("directory", "/organizations/"),
            ("organization", f"/organizations/{organization.slug}/"),
            ("moderation", "/moderation/"),
            ("accessibility", "/accessibility/"),
        ]:
            page.goto(f"/{code}{path_}")
            look(page, f"{code}-{name}")
    page.goto("/en/moderation/import/")
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url("**/moderation/import/*/")
    look(page, "en-import-preview")
    context.close()

    context, page = sign_in(browser, live_server, "rep@example.org", width=320)
    for code in ["en", "sv", "el"]:
        page.goto(f"/{code}/roadmaps/{roadmap.pk}/1.3/")
        look(page, f"{code}-checkpoint")
    context.close()
    assert wide == {}


def test_on_a_phone_what_a_person_came_for_comes_first(
    browser, live_server, municipality, community_roadmap, tmp_path
):
    for number in range(12):
        OrganizationFactory(name=f"Förening {number}", home_municipality=municipality)
    roadmap = community_roadmap
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    for code in LANGUAGES:
        page.goto(f"/{code}/organizations/")
        shot(page, f"375-{code}-directory", tmp_path)
        first_result = page.locator(".directory-results li").first.bounding_box()
        assert first_result["y"] < 812, code
        header = page.locator("header").bounding_box()
        assert header["height"] < 160, code
    context.close()

    context, page = sign_in(browser, live_server, "rep@example.org", width=375)
    for code in ["en", "sv", "el"]:
        page.goto(f"/{code}/roadmaps/{roadmap.pk}/1.3/")
        shot(page, f"375-{code}-checkpoint", tmp_path)
        guidance = page.locator("#guidance summary").bounding_box()
        answer = page.locator("main form textarea").first.bounding_box()
        assert guidance["y"] < 812, code
        assert guidance["y"] < answer["y"], code
        # The order it is read and tabbed in is the order on the screen.
        assert page.evaluate(
            "document.querySelector('#guidance').compareDocumentPosition("
            "document.querySelector('main form textarea')) & Node.DOCUMENT_POSITION_FOLLOWING"
        ), code
    context.close()


def test_on_a_wide_screen_the_folds_stay_open(browser, live_server, community_roadmap, tmp_path):
    roadmap = community_roadmap
    context, page = sign_in(browser, live_server, "rep@example.org", width=1280)
    page.goto("/el/organizations/")
    shot(page, "1280-el-directory", tmp_path)
    # The filters and the languages show without opening anything.
    expect(page.locator(".filter-panel select").first).to_be_visible()
    expect(page.locator(".filter-panel > summary")).to_be_hidden()
    language = page.get_by_role("navigation", name="Γλώσσα")
    expect(language.get_by_role("link", name="Svenska")).to_be_visible()
    page.goto(f"/sv/roadmaps/{roadmap.pk}/1.3/")
    shot(page, "1280-sv-checkpoint", tmp_path)
    # The guidance stands beside the answer, not above it.
    guidance = page.locator("#guidance").bounding_box()
    answer = page.locator("main form textarea").first.bounding_box()
    assert guidance["x"] > answer["x"] + answer["width"]
    context.close()
