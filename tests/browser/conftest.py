"""Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download a browser here, so it is given the system's Chromium
(`apt-get install chromium`; CHROMIUM overrides the path).
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import sync_playwright

from checklists.services import roadmap_start, template_publish
from orgs.sides import Side
from orgs.taxonomies import taxonomies_load
from tests.factories import PASSWORD, OrganizationFactory, OrganizationMembershipFactory

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no network beyond the package registries: stop Chromium calling home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path():
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Chromium not found: run `apt-get install chromium` (or set CHROMIUM).")
    return path


@pytest.fixture(scope="session")
def browser(django_db_setup):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make beside it (creating users) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    # bypass_csp: axe-core is injected as an inline script, which the portal's CSP forbids.
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page):
    """Runs axe-core on the page and fails on any WCAG 2.1 A or AA violation."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    violations = [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.fixture(autouse=True)
def taxonomies(transactional_db):
    # Browser tests run in real transactions, and the database is emptied after each:
    # the taxonomies a migration loaded are put back first.
    taxonomies_load(apps)


@pytest.fixture
def community_roadmap(municipality):
    """A community organization's roadmap in progress; rep@example.org represents it."""
    template_publish()
    organization = OrganizationFactory(home_municipality=municipality)
    representative = OrganizationMembershipFactory(
        organization=organization, user__email="rep@example.org"
    ).user
    return roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpa", actor=representative
    )


def sign_in(browser, live_server, email, *, width=1280, javascript=True):
    """A new browser context signed in as `email` (password tests.factories.PASSWORD), in
    English, and its page: each role of a test in a browser of its own."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        bypass_csp=True,
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/**")
    return context, page
