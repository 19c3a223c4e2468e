"""The sign-in lockout as a person meets it: five wrong passwords, then the locked-out page."""

import pytest

from tests.factories import UserFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_locked_out_page_says_when_to_retry_offers_a_reset_and_passes_axe(page):
    UserFactory(email="coordinator@example.org")
    page.goto("/en/accounts/login/")
    for _ in range(5):
        page.get_by_label("E-mail address").fill("coordinator@example.org")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("main").get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", name="Too many attempts to sign in").is_visible()
    assert page.get_by_text("Try again in 15 minutes.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Reset your password").click()
    assert page.get_by_role("heading", name="Reset your password").is_visible()
