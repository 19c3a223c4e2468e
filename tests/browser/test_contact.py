import pytest
from django.core import mail
from playwright.sync_api import expect

from orgs.models import Organization
from tests.factories import OrganizationFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "ilga.zarina@example.lv"


@pytest.fixture
def entry(municipality):
    return OrganizationFactory(
        name="Biedrība „Zīlīte”", home_municipality=municipality, email=ADDRESS
    )


def test_a_visitor_writes_to_an_organization_whose_address_is_hidden(browser, live_server, entry):
    page = browser.new_context(base_url=live_server.url, bypass_csp=True).new_page()
    page.goto(f"/en/organizations/{entry.slug}/")
    assert ADDRESS not in page.content()
    page.get_by_role("link", name="Write to Biedrība „Zīlīte”").click()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Jānis Kalniņš")
    page.get_by_role("button", name="Send the message").click()
    # The summary takes focus and names each missing answer.
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Enter your e-mail address")
    expect(page.get_by_role("alert")).to_contain_text("Enter your message")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    assert not mail.outbox

    page.get_by_label("Your e-mail address").fill("janis@example.org")
    page.get_by_label("Your message").fill("Labdien! Vai varam tikties?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator("h1")).to_have_text("Message sent")
    assert ADDRESS not in page.content()
    assert_accessible(page)
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert message.reply_to == ["Jānis Kalniņš <janis@example.org>"]


def test_the_form_works_without_javascript(browser, live_server, entry):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/en/organizations/{entry.slug}/contact/")
    page.get_by_label("Your name").fill("Jānis")
    page.get_by_label("Your e-mail address").fill("janis@example.org")
    page.get_by_label("Your message").fill("Sveiki!")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator("h1")).to_have_text("Message sent")
    assert len(mail.outbox) == 1
    assert Organization.objects.get(pk=entry.pk).email == ADDRESS
