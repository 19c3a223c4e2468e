import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/en/accounts/login/"


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def fail_five_times(client, email="coordinator@example.org", **extra):
    for _ in range(4):
        assert sign_in(client, email, "wrong", **extra).status_code == 200
    assert sign_in(client, email, "wrong", **extra).status_code == 429  # the fifth locks


def test_five_wrong_passwords_lock_the_account_from_that_address(client, coordinator):
    fail_five_times(client)

    response = sign_in(client, "coordinator@example.org", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_locked_out_page_says_when_to_try_again_and_offers_a_reset(client, coordinator):
    fail_five_times(client)
    response = sign_in(client, "coordinator@example.org", PASSWORD)
    assert "Try again in 15 minutes" in response.text
    assert 'href="/en/accounts/password-reset/"' in response.text
    assert "Roadmap Portal" in response.text  # the portal's layout

    latvian = client.post(
        "/lv/accounts/login/", {"username": "coordinator@example.org", "password": PASSWORD}
    )
    assert latvian.status_code == 429
    assert 'lang="lv"' in latvian.text


def test_the_address_in_any_case_counts_as_one_account(client, coordinator):
    for email in ["Coordinator@Example.org", "coordinator@example.org "] * 2 + [
        "COORDINATOR@example.org"
    ]:
        sign_in(client, email, "wrong")
    assert sign_in(client, "coordinator@example.org", PASSWORD).status_code == 429


def test_four_wrong_passwords_still_let_the_owner_in(client, coordinator):
    for _ in range(4):
        sign_in(client, "coordinator@example.org", "wrong")
    assert sign_in(client, "coordinator@example.org", PASSWORD).status_code == 302


def test_failures_from_elsewhere_do_not_lock_the_owner_out(client, coordinator):
    fail_five_times(client, REMOTE_ADDR="203.0.113.66")

    response = sign_in(client, "coordinator@example.org", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_an_ipv6_client_is_locked_out_across_its_64_network_and_only_there(client, coordinator):
    # One connection holds a /64: a new address for every guess must not escape the lockout.
    for number in range(1, 6):
        sign_in(client, "coordinator@example.org", "wrong", REMOTE_ADDR=f"2001:db8:1:2::{number}")

    same_network = sign_in(
        client, "coordinator@example.org", PASSWORD, REMOTE_ADDR="2001:db8:1:2::99"
    )
    assert same_network.status_code == 429
    assert "Try again in 15 minutes" in same_network.text
    assert AccessAttempt.objects.get().ip_address == "2001:db8:1:2::"
    other_network = sign_in(
        client, "coordinator@example.org", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1"
    )
    assert other_network.status_code == 302


def test_a_locked_out_address_can_still_sign_in_to_other_accounts(client, coordinator, staff):
    fail_five_times(client)
    assert sign_in(client, staff.email, PASSWORD).status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, coordinator):
    for number in range(5):
        sign_in(client, "coordinator@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    response = sign_in(
        client, "coordinator@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99"
    )
    assert response.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_client(client, coordinator):
    # The proxy is REMOTE_ADDR for everyone; the clients differ in what it forwards.
    fail_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.66")

    elsewhere = sign_in(
        client, "coordinator@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"


def test_the_admin_login_is_locked_out_too(client, administrator):
    for _ in range(5):
        client.post("/en/admin/login/", {"username": administrator.email, "password": "wrong"})
    response = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": administrator.email, "password": PASSWORD},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_password_reset_unlocks_the_account(client, coordinator):
    fail_five_times(client)
    client.post("/en/accounts/password-reset/", {"email": "coordinator@example.org"})
    link = re.search(r"http://testserver(/lv/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    new_password = "a-new-long-password-2026"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert sign_in(client, "coordinator@example.org", new_password).status_code == 302


def test_the_lockout_ends_15_minutes_after_the_fifth_failure_however_often_one_retries(
    client, coordinator
):
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=10))
    response = sign_in(client, "coordinator@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Try again in 5 minutes" in response.text

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=6))
    assert sign_in(client, "coordinator@example.org", PASSWORD).status_code == 302
