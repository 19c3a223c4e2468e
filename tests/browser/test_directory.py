import re

import pytest
from playwright.sync_api import expect

from orgs.services import organization_reindex
from tests.factories import DepartmentFactory, OrganizationFactory, ServiceFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_finds_an_organization_typed_without_accents(page, municipality):
    DepartmentFactory(municipality=municipality, name="Sociālais dienests")
    brinumins = OrganizationFactory(
        name="Biedrība „Brīnumiņš”",
        home_municipality=municipality,
        description="Sociālie pakalpojumi bērniem ar invaliditāti.",
    )
    ServiceFactory(organization=brinumins, name="Dienas centrs")
    organization_reindex(organization=brinumins)
    OrganizationFactory(name="Sporta klubs „Ķepa”", home_municipality=municipality)

    page.goto("/en/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Directory of organizations"
    ).click()
    expect(page.locator("#result-count")).to_have_text(re.compile("2 organizations"))
    assert_accessible(page)

    page.get_by_label("Search").fill("brinumins")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text(re.compile("1 organization"))
    expect(page).to_have_url(re.compile(r"q=brinumins"))
    page.get_by_role("link", name="Biedrība „Brīnumiņš”").click()

    expect(page.locator("h1")).to_have_text("Biedrība „Brīnumiņš”")
    expect(page.get_by_text("Dienas centrs")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=municipality.name).first.click()
    expect(page.locator("h1")).to_have_text(municipality.name)
    expect(page.get_by_role("heading", name="Sociālais dienests")).to_be_visible()
    assert_accessible(page)


def test_filters_work_without_javascript(browser, live_server, municipality):
    OrganizationFactory(
        name="Jauniešu biedrība", home_municipality=municipality, type="youth_organization"
    )
    OrganizationFactory(name="Nodibinājums", home_municipality=municipality, type="foundation")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/organizations/")
    page.get_by_label("Type").select_option("foundation")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text(re.compile("1 organization"))
    expect(page.get_by_role("link", name="Nodibinājums")).to_be_visible()
    context.close()
