"""Where signing in leads (settings.SIGN_IN_LANDING, accounts' SignInView)."""

import pytest

from tests.factories import PASSWORD

LOGIN = "/en/accounts/login/"


def sign_in(client, user, **query):
    url = LOGIN + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return client.post(url, {"username": user.email, "password": PASSWORD})


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_staff_and_coordinators_land_on_my_work(client, request, who):
    response = sign_in(client, request.getfixturevalue(who))
    assert response.status_code == 302
    assert response["Location"] == "/en/my-work/"


@pytest.mark.parametrize("who", ["representative", "outsider", "administrator"])
def test_other_users_keep_landing_on_the_home_page(client, request, who):
    response = sign_in(client, request.getfixturevalue(who))
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_a_next_wins_over_the_landing(client, staff):
    response = sign_in(client, staff, next="/en/roadmaps/")
    assert response["Location"] == "/en/roadmaps/"


def test_a_next_to_another_site_is_ignored(client, staff):
    response = sign_in(client, staff, next="https://example.com/")
    assert response["Location"] == "/en/my-work/"


def test_a_signed_in_staff_member_opening_the_sign_in_page_lands_on_my_work(client, staff):
    client.force_login(staff)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/en/my-work/"
