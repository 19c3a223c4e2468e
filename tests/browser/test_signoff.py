"""Check and sign, revisions, what changed, publication and the public pages in Chromium:
both sides sign, the plan changes, both agree to publish; every page passes axe and fits
320 px without sideways scrolling."""

import os

import pytest

from orgs.models import MunicipalityMembership
from tests.actionplans.signoff_helpers import signable_partnership
from tests.factories import (
    ActionItemFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("SCREENSHOTS")  # a folder, to look at the pages


def check_page(page, name):
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_both_sides_sign_see_what_changed_and_publish(browser, live_server, municipality):
    organization = OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=municipality)
    MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coord@example.org",
        user__language="en",
    )
    OrganizationMembershipFactory(
        organization=organization, user__email="rep@example.org", user__language="en"
    )
    partnership = signable_partnership(municipality, organization, title="Atelpas brīži kopā")
    base = f"/en/partnerships/{partnership.pk}"

    coordinator, page = sign_in(browser, live_server, "coord@example.org")
    page.goto(f"{base}/check/")
    check_page(page, "check")
    # Keyboard only: the sign button is reached with Tab and pressed with Enter.
    button = page.get_by_role("button", name="Sign off the action plan")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{base}/")
    assert "You signed revision 1" in page.content()

    representative, rep_page = sign_in(browser, live_server, "rep@example.org")
    rep_page.goto(f"{base}/check/")
    assert "signed by" in rep_page.content()
    rep_page.get_by_role("button", name="Sign off the action plan").click()
    assert "is signed by everyone" in rep_page.content()

    ActionItemFactory(partnership=partnership, activity="Vasaras nometne")
    page.goto(f"{base}/revisions/")
    check_page(page, "revisions")
    assert "The draft differs from the latest revision." in page.content()
    page.get_by_role("link", name="See what changed").click()
    check_page(page, "compare")
    assert "Vasaras nometne" in page.get_by_role("main").inner_text()
    page.goto(f"{base}/revisions/1/")
    check_page(page, "revision")

    page.goto(f"{base}/publication/")
    page.get_by_role("button", name="Agree to make it public for Talsu novads").click()
    check_page(page, "publication")
    rep_page.goto(f"{base}/publication/")
    rep_page.get_by_role("button", name="Agree to make it public for Biedrība „Brīnumiņš”").click()
    assert "The partnership is public." in rep_page.content()
    representative.close()
    coordinator.close()

    visitor = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 320, "height": 800}
    )
    public = visitor.new_page()
    public.goto("/en/partnerships/public/")
    check_page(public, "public_list_320")
    assert fits(public)
    public.get_by_role("link", name="Atelpas brīži kopā").click()
    check_page(public, "public_320")
    assert fits(public)
    assert "liga.kalnina@example.org" not in public.content()
    visitor.close()


def test_the_check_and_revision_pages_fit_320_px(browser, live_server, municipality):
    organization = OrganizationFactory(home_municipality=municipality)
    MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coord@example.org",
    )
    partnership = signable_partnership(municipality, organization, title="Ļoti " * 30)
    context, page = sign_in(browser, live_server, "coord@example.org", width=320)
    page.goto(f"/en/partnerships/{partnership.pk}/check/")
    assert fits(page)
    check_page(page, "check_320")
    page.get_by_role("button", name="Sign off the action plan").click()
    for path in ("revisions/", "revisions/1/", "revisions/compare/", "publication/"):
        page.goto(f"/en/partnerships/{partnership.pk}/{path}")
        assert fits(page), path
    context.close()
