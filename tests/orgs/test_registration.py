import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from orgs.models import Organization, OrganizationMembership
from tests.factories import MunicipalityMembershipFactory, OrganizationFactory

from .helpers import registration_data

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


def test_it_limits_registrations_per_network(client, municipality):
    for n in range(5):
        client.post(
            URL,
            registration_data(
                municipality,
                name=[
                    "Ābeļu dārzs",
                    "Bišu drava",
                    "Cielavas ligzda",
                    "Dzērveņu purvs",
                    "Kurmju rakums",
                ][n],
                registration_number=f"4000800000{n}",
                **{"account-email": f"person{n}@example.org"},
            ),
        )
    assert Organization.objects.count() == 5
    response = client.post(
        URL, registration_data(municipality, **{"account-email": "sixth@example.org"})
    )
    assert response.status_code == 429
    assert Organization.objects.count() == 5


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
    data = registration_data(municipality, name="", add_service="1")
    response = client.post(URL, data)
    assert response.status_code == 200
    assert 'name="services-1-name"' in response.text
    assert "There is a problem" not in response.text
    assert Organization.objects.count() == 0
