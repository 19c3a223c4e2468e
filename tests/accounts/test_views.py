import re

from django.core import mail
from django.test import override_settings

from tests.factories import PASSWORD


def test_it_signs_in_with_an_e_mail_address(client, coordinator):
    response = client.post(
        "/en/accounts/login/", {"username": "coordinator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/my-work/"  # staff and coordinators: test_sign_in_landing
    assert client.get("/en/").context["user"] == coordinator


def test_it_ignores_the_case_of_the_address(client, coordinator):
    response = client.post(
        "/en/accounts/login/", {"username": "Coordinator@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_it_shows_an_error_summary_for_a_wrong_password(client, coordinator):
    response = client.post(
        "/en/accounts/login/", {"username": "coordinator@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    html = response.text
    assert "<title>Error: Sign in" in html
    assert "There is a problem" in html
    assert 'value="coordinator@example.org"' in html  # what the user typed is kept
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_said_once_in_the_error_summary(client, coordinator):
    # GOV.UK: an error that belongs to no field is in the summary only, not again above it.
    response = client.post(
        "/en/accounts/login/", {"username": "coordinator@example.org", "password": "wrong"}
    )
    assert response.text.count("Please enter a correct e-mail address and password") == 1
    summary = response.text.split('class="error-summary', 1)[1].split("</div>", 1)[0]
    assert "Please enter a correct e-mail address and password" in summary


def test_a_refusal_that_belongs_to_no_field_is_said_once_on_other_pages_too(client):
    with override_settings(PASSWORD_RESET_LIMIT_PER_NETWORK=0):
        response = client.post("/en/accounts/password-reset/", {"email": "a@example.org"})
    assert response.status_code == 429
    assert response.text.count("Too many requests from your network") == 1


def test_it_shows_the_error_summary_in_latvian(client, coordinator):
    response = client.post("/lv/accounts/login/", {"username": "", "password": ""})
    assert "Radās problēma" in response.text


def test_it_signs_out_on_post_only(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/en/accounts/logout/").status_code == 405
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_e_mails_a_password_reset_link_that_works(client, coordinator):
    response = client.post("/en/accounts/password-reset/", {"email": "coordinator@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@example.org"]
    # In the reader's language (Latvian, the default), whatever the page's language.
    assert "parol" in message.subject.lower()
    link = re.search(r"http://testserver(/lv/accounts/password-reset/\S+/)", message.body)[1]

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "a-new-long-password-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(new_password)


def test_it_says_nothing_about_unknown_addresses(client, db):
    response = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
