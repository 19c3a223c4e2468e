"""An invitation to represent an organization: written in the invitee's language, and kept
through signing up (the new account comes back to it after confirming its address)."""

import re

import pytest
from django.core import mail

from orgs.models import OrganizationMembership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(client, organization, representative, capture, *, email, page_language):
    client.force_login(representative)
    with capture(execute=True):
        response = client.post(
            f"/{page_language}/organizations/{organization.slug}/invite/", {"email": email}
        )
    assert response.status_code == 302
    client.logout()
    return mail.outbox[-1]


def link_in(message, path):
    return re.search(rf"http://testserver(/\S*{re.escape(path)}\S*)", message.body)[1]


def test_an_invitee_with_an_account_is_written_to_in_its_language(
    client, organization, representative, django_capture_on_commit_callbacks
):
    representative.language = "en"
    representative.save(update_fields=["language"])
    UserFactory(email="kolega@example.org", language="sv")
    message = invite(
        client,
        organization,
        representative,
        django_capture_on_commit_callbacks,
        email="Kolega@Example.org",
        page_language="pt",
    )
    assert message.subject == f"Inbjudan att företräda {organization.name}"
    assert link_in(message, "/invitations/").startswith("/sv/")


def test_an_invitee_without_an_account_is_written_to_in_the_inviters_page_language(
    client, organization, representative, django_capture_on_commit_callbacks
):
    representative.language = "en"
    representative.save(update_fields=["language"])
    message = invite(
        client,
        organization,
        representative,
        django_capture_on_commit_callbacks,
        email="jauns@example.org",
        page_language="pt",
    )
    assert message.subject == f"Convite para representar {organization.name}"
    assert link_in(message, "/invitations/").startswith("/pt/")


def test_signing_up_from_an_invitation_comes_back_to_it_after_confirming(
    client, organization, representative, django_capture_on_commit_callbacks
):
    message = invite(
        client,
        organization,
        representative,
        django_capture_on_commit_callbacks,
        email="jauns@example.org",
        page_language="en",
    )
    invitation = link_in(message, "/invitations/")
    page = client.get(invitation)
    signup_link = re.search(r'href="(/en/accounts/signup/[^"]*)"', page.text)[1]
    signup_link = signup_link.replace("&amp;", "&")
    form = client.get(signup_link)
    assert 'value="jauns@example.org"' in form.text  # the address is filled in
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_link,
            {
                "full_name": "Jauns Kolēģis",
                "email": "jauns@example.org",
                "password1": "an-unusual-passphrase-26",
                "password2": "an-unusual-passphrase-26",
                "next": re.search(r'name="next" value="([^"]*)"', form.text)[1],
            },
        )
    assert response.status_code == 302
    confirmation = link_in(mail.outbox[-1], "/accounts/confirm-email/").replace("&amp;", "&")
    confirm_page = client.get(confirmation)
    next_value = re.search(r'name="next" value="([^"]*)"', confirm_page.text)[1]
    response = client.post(confirmation, {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == invitation
    client.post(invitation)
    assert OrganizationMembership.objects.filter(
        user__email="jauns@example.org", organization=organization
    ).exists()


def test_one_person_sends_at_most_20_invitations_an_hour_of_both_kinds_together(
    client, organization, municipality, coordinator, django_capture_on_commit_callbacks
):
    OrganizationMembership.objects.create(user=coordinator, organization=organization)
    client.force_login(coordinator)
    staff_page = f"/en/municipalities/{municipality.slug}/staff/invite/"
    entry_page = f"/en/organizations/{organization.slug}/invite/"
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            client.post(entry_page, {"email": f"rep{n}@example.org"})
            client.post(staff_page, {"email": f"staff{n}@example.org", "role": "staff"})
        refused_staff = client.post(staff_page, {"email": "one.more@example.org", "role": "staff"})
        refused_entry = client.post(entry_page, {"email": "one.more@example.org"}, follow=True)
    assert "Too many invitations. Try again in an hour." in refused_staff.text
    assert "Too many invitations. Try again in an hour." in refused_entry.text
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [f"rep{n}@example.org" for n in range(10)] + [f"staff{n}@example.org" for n in range(10)]
    )
