"""The contact form: anyone writes to a published entry, the e-mail goes out with Reply-To
the sender, the entry's address never reaches the sender; limited per network and entry."""

import pytest
from django.core import mail

from orgs.models import Organization
from orgs.views import (
    CONTACT_MESSAGES_PER_NETWORK_PER_HOUR,
    CONTACT_MESSAGES_PER_ORGANIZATION_PER_DAY,
)
from roadmap_portal.lib import email
from tests.factories import OrganizationFactory, OrganizationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "ilga.zarina@example.lv"
MESSAGE = "Labdien! Vai jūsu pulciņā var pieteikt bērnu no septembra?"


@pytest.fixture
def entry(organization):
    """A published entry with its own address, kept from the public."""
    Organization.objects.filter(pk=organization.pk).update(email=ADDRESS, email_public=False)
    organization.refresh_from_db()
    return organization


def url(organization):
    return f"/en/organizations/{organization.slug}/contact/"


def message_data(**overrides):
    data = {"name": "Jānis Kalniņš", "email": "janis@example.org", "message": MESSAGE}
    return {key: value for key, value in (data | overrides).items() if value is not None}


@pytest.fixture
def queued(monkeypatch):
    """The e-mails queued, as the task worker receives them (language included)."""
    tasks = []

    class Recorder:
        @staticmethod
        def enqueue(**kwargs):
            tasks.append(kwargs)

    monkeypatch.setattr(email, "send_email", Recorder)
    return tasks


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def post(organization, data=None, *, language="en", **extra):
        address = url(organization).replace("/en/", f"/{language}/", 1)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(address, data or message_data(), **extra)

    return post


class TestSending:
    def test_the_message_goes_to_the_entry_s_address_with_reply_to_the_sender(self, send, entry):
        response = send(entry)
        assert response.status_code == 302
        assert response["Location"] == f"{url(entry)}sent/"
        (email,) = mail.outbox
        assert email.to == [ADDRESS]
        assert email.reply_to == ["Jānis Kalniņš <janis@example.org>"]
        assert "janis@example.org" not in email.from_email
        assert email.subject == "Message to Biedrība „Brīnumiņš” from Jānis Kalniņš"
        assert MESSAGE in email.body and "Jānis Kalniņš (janis@example.org)" in email.body
        assert "Reply-To:" in email.message().as_string()

    def test_the_sender_never_sees_the_address(self, client, send, entry):
        pages = [client.get(f"/en/organizations/{entry.slug}/"), client.get(url(entry))]
        response = send(entry)
        pages.append(client.get(response["Location"]))
        for page in pages:
            assert page.status_code == 200
            assert ADDRESS not in page.text and "ilga.zarina" not in page.text
        assert "We have sent your message to Biedrība „Brīnumiņš”" in pages[-1].text

    def test_it_is_written_in_the_language_most_representatives_chose(self, send, entry, queued):
        for language in ("lv", "lv", "en"):
            OrganizationMembershipFactory(organization=entry, user__language=language)
        send(entry, language="sv")
        assert [(e["to"], e["language"]) for e in queued] == [([ADDRESS], "lv")]

    def test_without_representatives_with_a_language_it_is_in_the_sender_s(
        self, send, entry, queued
    ):
        OrganizationMembershipFactory(organization=entry, user__language="")
        send(entry, language="sv")
        assert [(e["to"], e["language"]) for e in queued] == [([ADDRESS], "sv")]

    def test_an_entry_without_an_address_is_written_to_through_its_representatives(
        self, send, organization, queued
    ):
        first = OrganizationMembershipFactory(organization=organization, user__language="lv").user
        second = OrganizationMembershipFactory(organization=organization, user__language="en").user
        OrganizationMembershipFactory(organization=organization, user__is_active=False)
        send(organization)
        assert sorted((e["to"][0], e["language"]) for e in queued) == sorted(
            [(first.email, "lv"), (second.email, "en")]
        )
        assert all(e["reply_to"] == ["Jānis Kalniņš <janis@example.org>"] for e in queued)


def test_a_signed_in_person_finds_their_name_and_address_filled_in(client, entry):
    client.force_login(UserFactory(full_name="Anna Liepa", email="anna@example.org"))
    page = client.get(url(entry))
    assert 'value="anna@example.org"' in page.text and 'value="Anna Liepa"' in page.text


class TestWhichEntries:
    @pytest.mark.parametrize(
        "status",
        [Organization.Status.PENDING, Organization.Status.REJECTED, Organization.Status.ARCHIVED],
    )
    def test_an_entry_that_is_not_published_has_no_contact_form(
        self, client, send, municipality, status
    ):
        entry = OrganizationFactory(home_municipality=municipality, status=status, email=ADDRESS)
        assert client.get(url(entry)).status_code == 404
        assert send(entry).status_code == 404
        assert client.get(f"{url(entry)}sent/").status_code == 404
        assert not mail.outbox

    def test_an_entry_with_nobody_to_write_to_has_no_contact_form(self, client, municipality):
        entry = OrganizationFactory(home_municipality=municipality)
        OrganizationMembershipFactory(organization=entry, user__is_active=False)
        assert client.get(url(entry)).status_code == 404
        page = client.get(f"/en/organizations/{entry.slug}/")
        assert url(entry) not in page.text

    def test_the_entry_s_page_links_to_the_form(self, client, entry):
        page = client.get(f"/en/organizations/{entry.slug}/")
        assert f'href="{url(entry)}"' in page.text
        assert "Write to Biedrība „Brīnumiņš”" in page.text


class TestMistakes:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (message_data(name=""), "Enter your name"),
            (message_data(email=""), "Enter your e-mail address"),
            (message_data(email="nav adrese"), "Enter an e-mail address in the right format"),
            (message_data(message=""), "Enter your message"),
            (
                message_data(message="x" * 2001),
                "Ensure this value has at most 2000 characters (it has 2001).",
            ),
            (message_data(name="Jānis\r\nBcc: victim@example.org"), "Write this on one line"),
            (
                message_data(email="janis@example.org\nBcc: victim@example.org"),
                "Enter an e-mail address in the right format",
            ),
        ],
    )
    def test_bad_input_gives_an_error_summary_keeps_the_text_and_sends_nothing(
        self, send, entry, data, message
    ):
        response = send(entry, data)
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert response.text.count(message) == 2  # in the summary and beside the field
        assert "<title>Error:" in response.text
        if data["message"]:
            assert data["message"][:50] in response.text
        assert not mail.outbox

    def test_a_robot_filling_the_hidden_field_is_told_it_was_sent_and_nothing_is(self, send, entry):
        response = send(entry, message_data(fax="+371 6700 0000"))
        assert response.status_code == 302
        assert not mail.outbox


class TestLimits:
    def test_a_network_sends_so_many_messages_an_hour_then_is_told_when_to_try_again(
        self, send, municipality
    ):
        entries = [
            OrganizationFactory(home_municipality=municipality, email=f"e{n}@example.lv")
            for n in range(CONTACT_MESSAGES_PER_NETWORK_PER_HOUR + 1)
        ]
        for entry in entries[:-1]:
            assert send(entry, REMOTE_ADDR="192.0.2.7").status_code == 302
        response = send(entries[-1], REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 429
        assert "Too many messages from your network. Try again in" in response.text
        assert "There is a problem" in response.text and MESSAGE in response.text
        assert len(mail.outbox) == CONTACT_MESSAGES_PER_NETWORK_PER_HOUR
        # Another network is not affected.
        assert send(entries[-1], REMOTE_ADDR="198.51.100.1").status_code == 302

    def test_an_entry_receives_so_many_messages_a_day_from_all_networks(self, send, entry):
        for n in range(CONTACT_MESSAGES_PER_ORGANIZATION_PER_DAY):
            assert send(entry, REMOTE_ADDR=f"192.0.2.{n}").status_code == 302
        response = send(entry, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 429
        assert "Try again tomorrow" in response.text
        assert len(mail.outbox) == CONTACT_MESSAGES_PER_ORGANIZATION_PER_DAY

    def test_form_mistakes_count_against_no_limit(self, send, entry):
        for _n in range(CONTACT_MESSAGES_PER_NETWORK_PER_HOUR + 5):
            send(entry, message_data(message=""), REMOTE_ADDR="192.0.2.7")
        assert send(entry, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_wrong_method_is_refused(client, entry):
    assert client.put(url(entry)).status_code == 405
    assert client.post(f"{url(entry)}sent/").status_code == 405
