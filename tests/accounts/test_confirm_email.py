import datetime
import json
import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing

from accounts.services import email_confirmation_send, email_confirmation_token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "an-unusual-passphrase-26"


@pytest.fixture
def link(client, django_capture_on_commit_callbacks):
    """The confirmation link of a new account (janis@example.org)."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/accounts/signup/",
            {
                "full_name": "Jānis Bērziņš",
                "email": "janis@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    return re.search(r"http://testserver(/\S+/confirm-email/\S+/)", mail.outbox[-1].body)[1]


def test_opening_the_link_shows_a_button_and_confirms_nothing(client, link):
    response = client.get(link)
    assert response.status_code == 200
    assert "Confirm my e-mail address" in response.text
    assert User.objects.get(email="janis@example.org").email_confirmed_at is None


def test_the_button_confirms_and_signs_in_once(client, link):
    response = client.post(link)
    assert response.status_code == 302
    user = User.objects.get(email="janis@example.org")
    assert user.is_active and user.email_confirmed_at is not None
    assert not user.awaiting_confirmation
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_used_link_says_already_confirmed_and_signs_nobody_in(client, link):
    client.post(link)
    client.post("/en/accounts/logout/")

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 200
        assert "already confirmed" in response.text
        assert 'href="/en/accounts/login/"' in response.text
        assert "_auth_user_id" not in client.session


def test_the_link_stops_working_when_the_password_changes(client, link):
    client.post(link)
    client.post("/en/accounts/logout/")
    user = User.objects.get(email="janis@example.org")
    user.set_password("a-new-password-after-a-reset")
    user.save()

    response = client.post(link)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_unused_link_stops_working_when_the_password_changes(client, link):
    user = User.objects.get(email="janis@example.org")
    user.set_password("a-new-password-after-a-reset")
    user.save()

    assert client.post(link).status_code == 400
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


def test_a_tampered_link_is_refused(client, link):
    tampered = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]
    assert client.post(tampered).status_code == 400
    another_account = User.objects.create_user(email="other@example.org", password=PASSWORD)
    User.objects.filter(pk=another_account.pk).update(is_active=False, awaiting_confirmation=True)
    # The same signature on a value that names the other account.
    token = link.rstrip("/").rsplit("/", 1)[1]
    payload = token.partition(":")[0]
    value = json.loads(signing.b64_decode(payload.encode()))
    value["user"] = another_account.pk
    swapped_payload = signing.b64_encode(json.dumps(value, separators=(",", ":")).encode())
    swapped = link.replace(payload, swapped_payload.decode())
    assert swapped != link
    assert client.post(swapped).status_code == 400
    assert not User.objects.get(email="other@example.org").is_active
    assert not User.objects.get(email="janis@example.org").is_active
    assert "_auth_user_id" not in client.session


def test_a_link_older_than_7_days_is_refused(client, link):
    later = time.time() + datetime.timedelta(days=7, hours=1).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(link)
    assert response.status_code == 400
    assert "more than 7 days old" in response.text
    assert not User.objects.get(email="janis@example.org").is_active


def test_a_link_6_days_old_still_works(client, link):
    later = time.time() + datetime.timedelta(days=6).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.post(link).status_code == 302


def test_a_link_does_not_turn_on_an_account_an_administrator_deactivated(client):
    # Made in the admin, never confirmed, then turned off: a link for it (as registration
    # with its address used to send) confirms nothing.
    user = UserFactory(email="left@example.org", is_active=False)
    link = f"/en/accounts/confirm-email/{email_confirmation_token_for(user)}/"

    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400
    user.refresh_from_db()
    assert not user.is_active and user.email_confirmed_at is None
    assert "_auth_user_id" not in client.session


def test_the_link_of_a_sign_up_an_administrator_stopped_waiting_for_confirms_nothing(client, link):
    User.objects.filter(email="janis@example.org").update(awaiting_confirmation=False)
    assert client.post(link).status_code == 400
    assert not User.objects.get(email="janis@example.org").is_active


def test_no_confirmation_link_is_sent_to_an_account_not_waiting_for_one(
    django_capture_on_commit_callbacks,
):
    deactivated = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        email_confirmation_send(user=deactivated, base_url="http://testserver")
    assert mail.outbox == []
