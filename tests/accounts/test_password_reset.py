import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings

from accounts.services import user_password_reset_complete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
RESET = "/en/accounts/password-reset/"


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_one_address_gets_three_links_an_hour_and_the_same_page_after(client, coordinator):
    responses = [ask(client, "coordinator@example.org") for _ in range(5)]

    assert len(mail.outbox) == 3
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {"/en/accounts/password-reset/sent/"}


def test_the_limit_per_address_ignores_the_case_of_the_address(client, coordinator):
    for email in ["Coordinator@Example.org", "COORDINATOR@example.org", "coordinator@example.org"]:
        ask(client, email)
    ask(client, "coordinator@EXAMPLE.org")
    assert len(mail.outbox) == 3


@override_settings(PASSWORD_RESET_LIMIT_PER_NETWORK=4)
def test_one_network_asks_for_a_limited_number_of_e_mails_then_is_told_when_to_retry(client):
    for number in range(4):
        UserFactory(email=f"person-{number}@example.org")
        assert ask(client, f"person-{number}@example.org").status_code == 302
    UserFactory(email="one-more@example.org")

    response = ask(client, "one-more@example.org")
    assert response.status_code == 429
    assert re.search(r"Try again in \d+ minutes", response.text)
    assert "There is a problem" in response.text
    assert len(mail.outbox) == 4
    # Another network is not affected.
    assert ask(client, "one-more@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302
    assert len(mail.outbox) == 5


@override_settings(PASSWORD_RESET_LIMIT_PER_NETWORK=2)
def test_only_e_mails_sent_count_not_mistakes_or_unknown_addresses(client, coordinator):
    for _ in range(5):
        ask(client, "not-an-address")
        ask(client, "nobody@example.org")
    assert mail.outbox == []

    assert ask(client, "coordinator@example.org").status_code == 302
    assert len(mail.outbox) == 1


def test_a_deactivated_account_gets_no_link(client):
    UserFactory(email="gone@example.org", is_active=False, email_confirmed_at="2026-01-01T00:00Z")
    ask(client, "gone@example.org")
    assert mail.outbox == []


def test_an_account_deactivated_before_its_address_was_ever_confirmed_gets_no_link(client):
    # Accounts made in the admin, by createsuperuser or the demo data have no confirmed
    # address: a former coordinator turned off by an administrator must stay off.
    UserFactory(email="left@example.org", is_active=False)
    response = ask(client, "left@example.org")
    assert response["Location"] == "/en/accounts/password-reset/sent/"  # the same answer
    assert mail.outbox == []


def test_a_link_sent_before_the_account_was_deactivated_works_no_more(client):
    user = UserFactory(email="left@example.org")
    ask(client, "left@example.org")
    User.objects.filter(pk=user.pk).update(is_active=False)
    link = re.search(r"http://testserver(/lv/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]

    response = client.get(link, follow=True)
    assert response.context["validlink"] is False
    assert "new_password1" not in response.text
    new_password = "the-former-coordinators-26"
    client.post(link, {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert not user.is_active
    assert not user.check_password(new_password)


def test_a_reset_leaves_a_deactivated_account_inactive():
    user = UserFactory(email="left@example.org", is_active=False)
    user_password_reset_complete(user=user)
    user.refresh_from_db()
    assert not user.is_active and user.email_confirmed_at is None


def test_a_reset_confirms_an_account_that_was_never_confirmed(client):
    # Someone else may have signed up with this address and chosen the password; the
    # owner takes the account over by the link that reached their mailbox.
    user = UserFactory(email="owner@example.org", is_active=False, awaiting_confirmation=True)
    ask(client, "owner@example.org")
    link = re.search(r"http://testserver(/lv/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    new_password = "the-owners-own-password-26"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert not user.awaiting_confirmation
    response = client.post(
        "/en/accounts/login/", {"username": "owner@example.org", "password": new_password}
    )
    assert response.status_code == 302
