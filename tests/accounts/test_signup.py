import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup(client, **overrides):
    data = {
        "full_name": "Jānis Bērziņš",
        "email": "Janis@Example.org",
        "password1": "an-unusual-passphrase-26",
        "password2": "an-unusual-passphrase-26",
    }
    return client.post("/lv/accounts/signup/", data | overrides)


def test_it_creates_an_inactive_account_and_sends_the_link_in_the_users_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="janis@example.org")
    assert not user.is_active and user.awaiting_confirmation
    assert user.language == "lv"
    assert mail.outbox[0].to == ["janis@example.org"]
    assert "e-pasta adres" in mail.outbox[0].subject.lower()


def test_signing_in_before_confirming_explains_why_not(client):
    signup(client)
    response = client.post(
        "/en/accounts/login/",
        {"username": "janis@example.org", "password": "an-unusual-passphrase-26"},
    )
    assert "Confirm your e-mail address first" in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_for_an_unconfirmed_account_says_nothing_more(client):
    signup(client)
    response = client.post(
        "/en/accounts/login/", {"username": "janis@example.org", "password": "x"}
    )
    assert "Confirm your e-mail address first" not in response.text


def test_the_right_password_of_a_deactivated_account_gets_the_usual_answer(client):
    # "Confirm your address first" is for sign-ups; it would be wrong, and say too much.
    UserFactory(email="left@example.org", is_active=False)
    response = client.post(
        "/en/accounts/login/", {"username": "left@example.org", "password": PASSWORD}
    )
    assert "Confirm your e-mail address first" not in response.text
    assert "Please enter a correct" in response.text
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_weak_password(client):
    # An address already in use is not refused: tests/accounts/test_signup_limits.py.
    response = signup(client, password1="123", password2="123")
    assert "Radās problēma" in response.text
    assert User.objects.count() == 0


def test_a_broken_confirmation_link_is_refused(client):
    assert client.get("/en/accounts/confirm-email/broken/").status_code == 400
    assert client.post("/en/accounts/confirm-email/broken/").status_code == 400


def test_the_confirmation_ignores_an_unsafe_next_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    link = re.search(r"http://testserver(/\S+/confirm-email/\S+/)", mail.outbox[0].body)[1]
    response = client.post(link, {"next": "https://evil.example/"})
    assert response["Location"] == "/en/" or response["Location"].endswith("/")
    assert "evil" not in response["Location"]


def test_signed_in_people_are_sent_home(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/en/accounts/signup/").status_code == 302
    assert PASSWORD


def test_the_confirmation_link_leads_on_to_the_page_the_sign_up_came_from(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, next="/en/organizations/invitations/abc/")
    link = re.search(r"http://testserver(/\S+/confirm-email/\S+)", mail.outbox[0].body)[1]
    assert link.endswith("?next=%2Fen%2Forganizations%2Finvitations%2Fabc%2F")
    page = client.get(link)
    assert 'name="next" value="/en/organizations/invitations/abc/"' in page.text
    response = client.post(link, {"next": "/en/organizations/invitations/abc/"})
    assert response["Location"] == "/en/organizations/invitations/abc/"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_of_another_site_is_dropped_at_sign_up(
    client, django_capture_on_commit_callbacks, unsafe
):
    assert unsafe not in client.get("/en/accounts/signup/", {"next": unsafe}).text
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, next=unsafe)
    assert "next=" not in mail.outbox[0].body


def test_signed_in_people_are_sent_on_to_a_local_next_address(client):
    client.force_login(UserFactory())
    response = client.get("/en/accounts/signup/", {"next": "/en/my-work/"})
    assert response["Location"] == "/en/my-work/"
    response = client.get("/en/accounts/signup/", {"next": "https://evil.example/"})
    assert "evil" not in response["Location"]
