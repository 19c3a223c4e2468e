import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts.services import user_settings_update
from orgs.services import staff_invite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SETTINGS = "/en/accounts/settings/"


def test_the_page_offers_the_portals_languages_each_in_its_own_name(client, outsider):
    client.force_login(outsider)
    response = client.get(SETTINGS)
    assert response.status_code == 200
    for name in ("Latviešu", "English", "Lietuviškai", "Svenska", "Português", "Ελληνικά"):
        assert re.search(rf">\s*{name}\s*</label>", response.text)


def test_a_user_chooses_lithuanian_and_the_password_reset_e_mail_is_in_lithuanian(client):
    user = UserFactory(email="jonas@example.org", full_name="Jonas", language="lv")
    client.force_login(user)
    response = client.post(SETTINGS, {"full_name": "Jonas Petraitis", "language": "lt"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Jonas Petraitis", "lt")

    client.logout()
    # Asked for from an English page: the e-mail follows the account, not the page.
    client.post("/en/accounts/password-reset/", {"email": "jonas@example.org"})
    assert mail.outbox[0].subject == "Atkurkite Kelrodžio portalo slaptažodį"
    assert mail.outbox[0].body.startswith("Sveiki,")


def test_a_user_who_never_chose_gets_the_portals_default_language_latvian(client):
    # An account an administrator made; a sign-up takes the language of its page instead.
    UserFactory(email="anna@example.org")
    client.post("/en/accounts/password-reset/", {"email": "anna@example.org"})
    assert mail.outbox[0].subject == "Atiestatiet savu Ceļa kartes portāla paroli"


def test_other_e_mails_follow_the_chosen_language_too(
    municipality, coordinator, django_capture_on_commit_callbacks
):
    # A staff invitation to an address with an account: the account's language, not the
    # inviter's page.
    invited = UserFactory(email="invited@example.org")
    user_settings_update(user=invited, full_name="Invited", language="lt")
    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(
            municipality=municipality,
            email="invited@example.org",
            role="staff",
            inviter=coordinator,
            base_url="https://portal.example",
            language="en",
        )
    subject = render_to_string(
        "emails/staff_invitation_subject.txt", {"municipality": municipality.name}
    )
    with translation.override("lt"):
        lithuanian = render_to_string(
            "emails/staff_invitation_subject.txt", {"municipality": municipality.name}
        )
    assert lithuanian != subject
    assert mail.outbox[-1].subject == lithuanian.strip()


def test_a_name_is_required(client, outsider):
    client.force_login(outsider)
    response = client.post(SETTINGS, {"full_name": "", "language": "lt"})
    assert response.status_code == 200
    outsider.refresh_from_db()
    assert outsider.language == "lv"  # nothing saved


def test_the_page_is_behind_the_sign_in(client):
    assert client.get(SETTINGS).status_code == 302


def test_the_page_takes_no_other_method(client, outsider):
    client.force_login(outsider)
    assert client.put(SETTINGS).status_code == 405
