import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from orgs.models import Organization, OrganizationMembership
from tests.factories import (
    PASSWORD,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    UserFactory,
)

from .helpers import greek_text, registration_data, services_data

pytestmark = pytest.mark.django_db
User = get_user_model()
URL = "/en/organizations/register/"


def test_it_shows_the_form_with_a_privacy_notice_and_no_asterisks(client, municipality):
    response = client.get(URL)
    assert response.status_code == 200
    assert "How we use your details" in response.text or "/en/privacy/" in response.text
    assert "Short name (optional)" in response.text
    assert 'name="fax"' in response.text


def test_it_creates_a_pending_entry_an_inactive_account_and_asks_to_confirm(
    client, municipality, django_capture_on_commit_callbacks
):
    staff = MunicipalityMembershipFactory(municipality=municipality).user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, registration_data(municipality))

    assert response.status_code == 302
    assert response["Location"] == "/en/organizations/register/received/"
    organization = Organization.objects.get(name="Biedrība „Zīlīte”")
    assert organization.status == Organization.Status.PENDING
    assert organization.country == "LV"
    assert organization.services.get().name == "Putnu pulciņš"
    user = User.objects.get(email="liga@example.org")
    assert not user.is_active
    assert OrganizationMembership.objects.filter(user=user, organization=organization).exists()
    assert organization.changes.count() == 1
    recipients = {message.to[0] for message in mail.outbox}
    assert recipients == {"liga@example.org", staff.email}


def test_the_pending_entry_is_not_public(client, municipality):
    client.post(URL, registration_data(municipality))
    organization = Organization.objects.get(name="Biedrība „Zīlīte”")
    assert client.get(f"/en/organizations/{organization.slug}/").status_code == 404
    assert "Zīlīte" not in client.get("/en/organizations/", {"q": "zilite"}).text


def test_the_confirmation_link_shows_a_button_and_the_button_activates(
    client, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, registration_data(municipality))
    link = re.search(r"http://testserver(/\S+/confirm-email/\S+/)", mail.outbox[0].body)[1]
    page = client.get(link)
    assert page.status_code == 200
    assert not User.objects.get(email="liga@example.org").is_active  # GET changes nothing
    client.post(link)
    user = User.objects.get(email="liga@example.org")
    assert user.is_active
    assert user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_signed_in_person_registers_without_account_fields(client, municipality, outsider):
    client.force_login(outsider)
    data = registration_data(municipality)
    for key in list(data):
        if key.startswith("account-"):
            del data[key]
    response = client.post(URL, data)
    assert response.status_code == 302
    organization = Organization.objects.get(name="Biedrība „Zīlīte”")
    assert organization.memberships.get().user == outsider


def test_bad_input_is_reported_and_nothing_is_saved(client, municipality):
    data = registration_data(
        municipality,
        name="",
        publication_consent=None,
        year_founded="1500",
        **{"account-password2": "different"},
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert "There is a problem" in response.text
    assert "Enter a year between 1800" in response.text
    assert 'value="Zīlīte"' in response.text  # what was typed is kept
    assert Organization.objects.count() == 0
    assert not User.objects.filter(email="liga@example.org").exists()


def test_the_honeypot_pretends_success_and_saves_nothing(client, municipality):
    response = client.post(URL, registration_data(municipality, fax="spam"))
    assert response.status_code == 302
    assert Organization.objects.count() == 0
    assert User.objects.count() == 0
    assert mail.outbox == []


NAMES = [
    "Ābeļu dārzs", "Bišu drava", "Cielavas ligzda", "Dzērveņu purvs", "Ežu taka",
    "Fazānu pļava", "Gulbju ezers", "Irbju sils", "Jūras krasts", "Kamenes pļava",
    "Lapsu ala", "Mārītes darbnīca", "Naktsputni", "Ozolu birzs", "Pūces skola",
]  # fmt: skip


def registration_number(n):
    return f"4000810{n:04d}"


def test_a_workshop_registers_a_dozen_organizations_from_one_network_within_an_hour(
    client, municipality
):
    for n in range(12):
        response = client.post(
            URL,
            registration_data(
                municipality,
                name=NAMES[n],
                registration_number=registration_number(n),
                not_a_duplicate="on",
                **{"account-email": f"person{n}@example.org"},
            ),
        )
        assert response.status_code == 302
    assert Organization.objects.count() == 12


def test_registrations_over_the_per_network_limit_are_refused(client, municipality, monkeypatch):
    monkeypatch.setattr("orgs.views.REGISTRATIONS_PER_CLIENT_ADDRESS_PER_HOUR", 2)
    for n in range(2):
        client.post(
            URL,
            registration_data(
                municipality,
                name=NAMES[n],
                registration_number=registration_number(n),
                **{"account-email": f"person{n}@example.org"},
            ),
        )
    response = client.post(
        URL,
        registration_data(municipality, name=NAMES[2], **{"account-email": "third@example.org"}),
    )
    assert response.status_code == 429
    assert "Too many registrations" in response.text
    assert Organization.objects.count() == 2
    assert not User.objects.filter(email="third@example.org").exists()


def test_forms_with_mistakes_do_not_count_towards_the_limit(client, municipality, monkeypatch):
    monkeypatch.setattr("orgs.views.REGISTRATIONS_PER_CLIENT_ADDRESS_PER_HOUR", 2)
    for _attempt in range(5):
        response = client.post(URL, registration_data(municipality, name=""))
        assert response.status_code == 200
    for n in range(2):
        response = client.post(
            URL,
            registration_data(
                municipality,
                name=NAMES[n],
                registration_number=registration_number(n),
                **{"account-email": f"person{n}@example.org"},
            ),
        )
        assert response.status_code == 302
    assert Organization.objects.count() == 2


def test_one_e_mail_address_registers_at_most_five_times_an_hour(
    client, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            response = client.post(
                URL,
                registration_data(
                    municipality,
                    name=NAMES[n],
                    registration_number=registration_number(n),
                ),
                REMOTE_ADDR=f"192.0.2.{n}",
            )
            assert response.status_code == 302
        response = client.post(
            URL,
            registration_data(municipality, name=NAMES[5], registration_number="40008999999"),
            REMOTE_ADDR="192.0.2.99",
        )
    assert response.status_code == 429
    # The first made the account; the next four told its owner (with a new confirmation
    # link each, as the account is not confirmed); the sixth sent nothing.
    assert Organization.objects.count() == 1
    subjects = [m.subject for m in mail.outbox if m.to == ["liga@example.org"]]
    assert subjects.count("Confirm your e-mail address for Roadmap Portal") == 5
    assert len([s for s in subjects if s.startswith("Registration of")]) == 4


def test_the_same_registration_number_offers_to_claim_instead(client, municipality):
    listed = OrganizationFactory(
        name="Biedrība Cits vārds",
        home_municipality=municipality,
        registration_number="40008000001",
    )
    response = client.post(URL, registration_data(municipality))
    assert response.status_code == 200
    assert "Is your organization already listed?" in response.text
    assert f"/en/organizations/{listed.slug}/claim/" in response.text
    assert Organization.objects.count() == 1


def test_a_similar_name_asks_and_registers_when_told_it_is_different(client, municipality):
    OrganizationFactory(name="Biedrība Zīlīte", home_municipality=municipality)
    response = client.post(URL, registration_data(municipality))
    assert "Is your organization already listed?" in response.text
    assert Organization.objects.count() == 1
    response = client.post(URL, registration_data(municipality, not_a_duplicate="on"))
    assert response.status_code == 302
    assert Organization.objects.count() == 2


def test_add_another_service_reloads_with_a_new_row_and_no_errors(client, municipality):
    data = registration_data(municipality, name="", **{"services-row": "add"})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert 'name="services-1-name"' in response.text
    assert "There is a problem" not in response.text
    assert Organization.objects.count() == 0


def test_services_are_removed_and_reordered_with_buttons_then_saved_in_that_order(
    client, municipality
):
    three = {
        "services-TOTAL_FORMS": "3",
        "services-0-name": "Putnu pulciņš",
        "services-1-name": "Nometne",
        "services-2-name": "Pārgājieni",
    }
    removed = client.post(
        URL, registration_data(municipality, **three, **{"services-row": "remove-1"})
    )
    assert removed.status_code == 200
    assert Organization.objects.count() == 0
    assert 'name="services-TOTAL_FORMS" value="2"' in removed.text
    assert "Nometne" not in removed.text
    assert 'visually-hidden"> programme or service 2</span>' in removed.text
    moved = client.post(
        URL,
        registration_data(
            municipality,
            **{
                "services-TOTAL_FORMS": "2",
                "services-1-name": "Pārgājieni",
                "services-row": "up-1",
            },
        ),
    )
    assert moved.text.index('value="Pārgājieni"') < moved.text.index('value="Putnu pulciņš"')
    assert "There is a problem" not in moved.text
    response = client.post(
        URL,
        registration_data(
            municipality,
            **{
                "services-TOTAL_FORMS": "2",
                "services-0-name": "Pārgājieni",
                "services-0-description": "",
                "services-1-name": "Putnu pulciņš",
            },
        ),
    )
    assert response.status_code == 302
    names = Organization.objects.get().services.values_list("name", flat=True)
    assert list(names) == ["Pārgājieni", "Putnu pulciņš"]


def test_a_failure_after_the_account_is_made_leaves_no_account_no_entry_and_no_e_mail(
    client, municipality, monkeypatch, django_capture_on_commit_callbacks
):
    MunicipalityMembershipFactory(municipality=municipality)

    def fail(**kwargs):
        raise RuntimeError("the search index refused the entry")

    monkeypatch.setattr("orgs.services.organization_reindex", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        client.post(URL, registration_data(municipality))
    assert not User.objects.filter(email="liga@example.org").exists()
    assert Organization.objects.count() == 0
    assert mail.outbox == []

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, registration_data(municipality))
    assert response.status_code == 302
    assert Organization.objects.get().memberships.get().user.email == "liga@example.org"
    assert "liga@example.org" in {message.to[0] for message in mail.outbox}


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_an_e_mail(
    client, municipality, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="liga@example.org", language="en")
    staff = MunicipalityMembershipFactory(municipality=municipality).user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, registration_data(municipality, **{"account-email": "Liga@Example.org"})
        )

    assert response.status_code == 302
    assert response["Location"] == "/en/organizations/register/received/"
    assert Organization.objects.count() == 0
    assert User.objects.count() == 2
    assert [message.to for message in mail.outbox] == [[owner.email]]
    message = mail.outbox[0]
    assert message.subject == "Registration of Biedrība „Zīlīte” in Roadmap Portal"
    assert "An account with this address already exists, so nothing was created." in message.body
    assert "http://testserver/en/accounts/login/?next=%2Fen%2Forganizations%2Fregister%2F" in (
        message.body
    )
    assert "/en/accounts/password-reset/" in message.body
    assert staff.email not in {m.to[0] for m in mail.outbox}
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # nothing changed in the account


def test_the_page_never_says_an_account_exists(client, municipality):
    UserFactory(email="liga@example.org")
    response = client.post(URL, registration_data(municipality), follow=True)
    assert "already exists" not in response.text
    assert "Registration received" in response.text


def test_an_unconfirmed_account_s_owner_also_gets_a_new_confirmation_link(
    client, municipality, django_capture_on_commit_callbacks
):
    UserFactory(
        email="liga@example.org", language="en", is_active=False, awaiting_confirmation=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, registration_data(municipality))
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Confirm your e-mail address for Roadmap Portal",
        "Registration of Biedrība „Zīlīte” in Roadmap Portal",
    ]


def test_a_deactivated_account_s_owner_gets_no_confirmation_link_and_stays_inactive(
    client, municipality, django_capture_on_commit_callbacks
):
    # Never confirmed (made in the admin) and turned off by an administrator.
    owner = UserFactory(email="liga@example.org", language="en", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, registration_data(municipality), follow=True)
    assert "Registration received" in response.text  # the same answer
    assert mail.outbox == []
    assert Organization.objects.count() == 0
    owner.refresh_from_db()
    assert not owner.is_active and owner.email_confirmed_at is None


def test_a_description_of_more_than_5000_characters_is_refused_with_a_message(client, municipality):
    # The 1.6 MB purpose gave 500 (PostgreSQL's tsvector) and left the account.
    response = client.post(URL, registration_data(municipality, description="p" * 1_600_000))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Ensure this value has at most 5000 characters (it has 1600000)." in response.text
    assert Organization.objects.count() == 0
    assert User.objects.count() == 0


def test_a_service_description_of_more_than_2000_characters_is_refused(client, municipality):
    response = client.post(
        URL, registration_data(municipality, **{"services-0-description": "x" * 2001})
    )
    assert "Ensure this value has at most 2000 characters (it has 2001)." in response.text
    assert Organization.objects.count() == 0


def test_a_name_on_two_lines_is_refused_with_a_message(client, municipality):
    response = client.post(
        URL, registration_data(municipality, name="Biedrība\r\nBcc: victim@example.org")
    )
    assert response.status_code == 200
    assert "Write this on one line, without line breaks." in response.text
    assert Organization.objects.count() == 0


def test_a_service_name_on_two_lines_is_refused(client, municipality):
    response = client.post(
        URL, registration_data(municipality, **{"services-0-name": "Putni\nun koki"})
    )
    assert "Write this on one line, without line breaks." in response.text
    assert Organization.objects.count() == 0


def test_an_account_address_with_more_than_64_characters_before_the_at_is_refused(
    client, municipality
):
    response = client.post(
        URL, registration_data(municipality, **{"account-email": "l" * 65 + "@example.org"})
    )
    assert "The part before the @ can be at most 64 characters long." in response.text
    assert User.objects.count() == 0


def test_a_contact_address_with_more_than_64_characters_before_the_at_is_refused(
    client, municipality
):
    response = client.post(URL, registration_data(municipality, email="i" * 65 + "@zilite.lv"))
    assert "The part before the @ can be at most 64 characters long." in response.text
    assert Organization.objects.count() == 0


def test_a_name_with_ampersand_quotes_and_angle_brackets_reaches_the_e_mail_as_written(
    client, municipality, django_capture_on_commit_callbacks
):
    staff = MunicipalityMembershipFactory(municipality=municipality, user__language="en").user
    name = 'Bērni & jaunieši "Kopā" <Talsi>'
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, registration_data(municipality, name=name, not_a_duplicate="on"))
    assert Organization.objects.get().slug == "berni-jauniesi-kopa-talsi"
    (message,) = [m for m in mail.outbox if m.to == [staff.email]]
    assert message.subject == f"New entry to check: {name}"
    assert name in message.body


def test_more_programmes_than_an_entry_may_have_are_refused_with_a_message(client, municipality):
    # Django took up to 1,030 forms (max_num without validate_max).
    response = client.post(URL, registration_data(municipality, **services_data(31)))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter at most 30 programmes and services" in response.text
    assert Organization.objects.count() == 0
    assert User.objects.count() == 0


def test_the_reproduction_of_450_long_programmes_is_a_form_error_not_a_500(client, municipality):
    # On PostgreSQL: "string is too long for tsvector (2020494 bytes, max 1048575 bytes)".
    data = registration_data(municipality, **services_data(450, description_length=2000))
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Enter at most 30 programmes and services" in response.text
    assert Organization.objects.count() == 0
    assert User.objects.count() == 0


def test_an_entry_with_every_programme_and_text_at_its_limit_is_stored(client, municipality):
    # The limits together stay below PostgreSQL's 1 MB tsvector.
    data = registration_data(
        municipality,
        description=greek_text(5000, seed="purpose"),
        **services_data(Organization.SERVICES_MAX, description_length=2000),
    )
    response = client.post(URL, data)
    assert response.status_code == 302, response.text
    assert Organization.objects.get().services.count() == 30


def test_add_another_stops_at_the_limit(client, municipality):
    data = registration_data(municipality, **services_data(30), **{"services-row": "add"})
    response = client.post(URL, data)
    assert 'name="services-TOTAL_FORMS" value="30"' in response.text
    assert "Programme or service 30" in response.text
    assert "Programme or service 31" not in response.text
    assert "Add another programme or service" not in response.text
    assert Organization.objects.count() == 0
