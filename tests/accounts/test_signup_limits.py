import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings

from accounts.services import user_register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup(client, email, **extra):
    password = "an-unusual-passphrase-26"
    return client.post(
        "/en/accounts/signup/",
        {
            "full_name": "Jānis Bērziņš",
            "email": email,
            "password1": password,
            "password2": password,
        },
        **extra,
    )


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_e_mail(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="janis@example.org", language="lv", full_name="Jānis")
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup(client, "Janis@Example.org")
        new = signup(client, "liga@example.org")

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == "/en/accounts/signup/check-your-email/"
    assert User.objects.filter(email__iexact="janis@example.org").count() == 1
    notice = next(m for m in mail.outbox if m.to == ["janis@example.org"])
    assert "/lv/accounts/login/" in notice.body  # in the owner's language
    assert "/lv/accounts/password-reset/" in notice.body
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery-staple")  # nothing changed


def test_a_deactivated_account_s_address_gets_the_same_answer_and_no_e_mail(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="left@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "left@example.org")
    assert response["Location"] == "/en/accounts/signup/check-your-email/"
    assert mail.outbox == []
    owner.refresh_from_db()
    assert not owner.is_active and not owner.awaiting_confirmation


def test_the_owner_is_told_at_most_three_times_an_hour(client, django_capture_on_commit_callbacks):
    UserFactory(email="janis@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert signup(client, "janis@example.org").status_code == 302
    assert len(mail.outbox) == 3


def test_a_workshop_of_a_dozen_people_signs_up_from_one_network(client):
    for number in range(12):
        assert signup(client, f"participant-{number}@example.org").status_code == 302
    assert User.objects.count() == 12


@override_settings(SIGNUP_LIMIT_PER_NETWORK=3)
def test_one_network_creates_a_limited_number_of_accounts_then_is_told_when_to_retry(client):
    for number in range(3):
        assert signup(client, f"person-{number}@example.org").status_code == 302

    response = signup(client, "one-more@example.org")
    assert response.status_code == 429
    assert re.search(r"Try again in \d+ minutes", response.text)
    assert "<title>Error: " in response.text
    assert not User.objects.filter(email="one-more@example.org").exists()
    assert signup(client, "one-more@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302


@override_settings(SIGNUP_LIMIT_PER_NETWORK=3)
def test_an_ipv6_client_cannot_escape_the_limit_by_changing_address_within_its_64(client):
    for number in range(1, 4):
        signup(client, f"person-{number}@example.org", REMOTE_ADDR=f"2001:db8:1:2::{number}")
    response = signup(client, "one-more@example.org", REMOTE_ADDR="2001:db8:1:2::99")
    assert response.status_code == 429
    other_network = signup(client, "one-more@example.org", REMOTE_ADDR="2001:db8:1:3::1")
    assert other_network.status_code == 302


@override_settings(SIGNUP_LIMIT_PER_NETWORK=2)
def test_form_mistakes_do_not_count_against_the_network(client):
    for _ in range(5):
        client.post("/en/accounts/signup/", {"email": "broken"})
    assert signup(client, "first@example.org").status_code == 302
    assert signup(client, "second@example.org").status_code == 302


def test_the_registration_service_returns_none_for_a_taken_address(
    django_capture_on_commit_callbacks,
):
    UserFactory(email="janis@example.org")
    arguments = {
        "full_name": "Jānis",
        "password": "an-unusual-passphrase-26",
        "language": "en",
        "base_url": "http://testserver",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert user_register(email="JANIS@example.org", **arguments) is None
        new = user_register(email="liga@example.org", **arguments)
    assert new.email == "liga@example.org" and not new.is_active
    assert sorted(m.to[0] for m in mail.outbox) == ["janis@example.org", "liga@example.org"]
