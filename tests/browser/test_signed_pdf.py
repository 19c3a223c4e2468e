"""The signed PDF and its verification page in a browser: the worker made the PDF when the
revision was signed, a member downloads it sealed, and anyone's phone opens the verification
page from its QR code (320 px wide, WCAG 2.1 AA)."""

import pytest

from actionplans.models import PublicationConsent, SignedPdf
from roadmap_portal.lib.seal import seal_status
from tests.actionplans.signed_revisions import signed_revision
from tests.factories import (
    PASSWORD,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_downloads_the_sealed_pdf_and_a_phone_verifies_it(
    browser, live_server, municipality, tmp_path
):
    coordinator = MunicipalityMembershipFactory(
        municipality=municipality, role="coordinator", user__email="coord@example.org"
    ).user
    organization = OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=municipality)
    representative = OrganizationMembershipFactory(organization=organization).user
    # Real commits here: the task worker's PDF (inline in tests) is made on signing.
    revision = signed_revision(
        municipality=municipality,
        coordinator=coordinator,
        organization=organization,
        representative=representative,
        actions=5,
        title="Atelpas brīži kopā",
    )
    assert SignedPdf.objects.get(revision=revision).status == SignedPdf.Status.READY

    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/lv/accounts/login/")
    page.locator("input[name=username]").fill(coordinator.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    path = f"/lv/partnerships/{revision.partnership_id}/revisions/1/plan.pdf"
    response = page.request.get(live_server.url + path)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert seal_status(response.body())["ok"]
    context.close()

    phone = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 320, "height": 640}
    )
    page = phone.new_page()
    page.goto(revision.get_verification_url())
    assert (
        page.get_by_text("Valid", exact=True).is_visible()
        or page.locator(".alert-success").is_visible()
    )
    assert revision.content_hash in page.content()
    assert "Atelpas brīži kopā" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "verify-private.png"), full_page=True)

    PublicationConsent.objects.create(partnership=revision.partnership, organization=None)
    PublicationConsent.objects.create(partnership=revision.partnership, organization=organization)
    page.goto(revision.get_verification_url())
    assert "Atelpas brīži kopā" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "verify-public.png"), full_page=True)
    phone.close()
