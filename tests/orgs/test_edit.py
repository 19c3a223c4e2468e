import datetime
import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs import services
from orgs.models import (
    FieldOfActivity,
    NeedKind,
    Organization,
    OrganizationChange,
    OrganizationMembership,
)
from orgs.search import DirectoryQuery, directory_search
from orgs.services import organization_snapshot
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    ServiceFactory,
    UserFactory,
)

from .helpers import services_data

pytestmark = pytest.mark.django_db


def edit_data(organization, **overrides):
    data = {
        "version": str(organization.version),
        "name": organization.name,
        "short_name": organization.short_name,
        "type": organization.type,
        "legal_form": organization.legal_form,
        "registration_number": organization.registration_number,
        "home_municipality": str(organization.home_municipality_id),
        "description": organization.description,
        "email": organization.email,
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "30",
        "services-0-name": "",
    }
    data.update(overrides)
    return data


class TestEdit:
    def url(self, organization):
        return f"/en/organizations/{organization.slug}/edit/"

    def test_a_representative_edits_and_it_is_live_and_recorded(
        self, client, organization, representative
    ):
        client.force_login(representative)
        assert client.get(self.url(organization)).status_code == 200
        response = client.post(
            self.url(organization),
            edit_data(
                organization,
                description="Jauns apraksts par putniem",
                **{"services-0-name": "Pulciņš"},
            ),
        )
        assert response.status_code == 302
        organization.refresh_from_db()
        assert organization.description == "Jauns apraksts par putniem"
        assert organization.version == 2
        assert organization.services.get().name == "Pulciņš"
        change = organization.changes.get()
        assert change.actor == representative
        assert change.fields["description"]["new"] == "Jauns apraksts par putniem"
        result = directory_search(DirectoryQuery(text="putniem"))
        assert [o.pk for o in result.organizations] == [organization.pk]

    def test_the_second_of_two_editors_is_refused_and_sees_both_texts(
        self, client, organization, representative
    ):
        client.force_login(representative)
        stale = edit_data(organization, description="Mans teksts")
        client.post(self.url(organization), edit_data(organization, description="Viņas teksts"))
        response = client.post(self.url(organization), stale)
        assert response.status_code == 200
        assert "Someone else saved this entry while you were editing" in response.text
        assert "Viņas teksts" in response.text
        assert "Mans teksts" in response.text
        organization.refresh_from_db()
        assert organization.description == "Viņas teksts"
        assert 'name="version" value="2"' in response.text

    def test_bad_input_changes_nothing(self, client, organization, representative):
        client.force_login(representative)
        response = client.post(
            self.url(organization), edit_data(organization, name="", website="not a url")
        )
        assert "There is a problem" in response.text
        organization.refresh_from_db()
        assert organization.name == "Biedrība „Brīnumiņš”"
        assert organization.changes.count() == 0

    def test_staff_get_403_and_outsiders_403_or_404(self, client, organization, staff, outsider):
        client.force_login(staff)
        assert client.get(self.url(organization)).status_code == 403
        client.force_login(outsider)
        assert (
            client.post(self.url(organization), edit_data(organization, name="X")).status_code
            == 403
        )
        organization.status = Organization.Status.PENDING
        organization.save()
        assert client.get(self.url(organization)).status_code == 404
        organization.refresh_from_db()
        assert organization.name == "Biedrība „Brīnumiņš”"

    def test_more_programmes_than_an_entry_may_have_are_refused_and_nothing_changes(
        self, client, organization, representative
    ):
        ServiceFactory(organization=organization, name="Rotaļu istaba")
        client.force_login(representative)
        for count, length in [(31, 0), (450, 2000)]:  # 450: the 500 on PostgreSQL
            data = edit_data(organization, description="Jauns apraksts")
            response = client.post(
                self.url(organization), data | services_data(count, description_length=length)
            )
            assert response.status_code == 200
            assert "There is a problem" in response.text
            assert "Enter at most 30 programmes and services" in response.text
        organization.refresh_from_db()
        assert organization.description != "Jauns apraksts" and organization.version == 1
        assert list(organization.services.values_list("name", flat=True)) == ["Rotaļu istaba"]
        assert organization.changes.count() == 0

    def test_a_refused_name_is_not_shown_as_the_entrys_name(
        self, client, organization, representative
    ):
        client.force_login(representative)
        refused = "Biedrība „Brīnumiņš”\nBcc: victim@example.org"
        response = client.post(self.url(organization), edit_data(organization, name=refused))
        assert "Write this on one line, without line breaks." in response.text
        html = " ".join(response.text.split())  # a line break in the page reads as a space
        assert "Bcc: victim@example.org</h1>" not in html
        assert "<h1>Edit Biedrība „Brīnumiņš”</h1>" in html
        assert 'class="back-link">Biedrība „Brīnumiņš”</a>' in html
        assert "<title>Error: Edit Biedrība „Brīnumiņš” –" in html
        # The form still shows what was typed, to correct it.
        assert 'value="Biedrība „Brīnumiņš” Bcc: victim@example.org"' in html

    @pytest.mark.parametrize("version", [None, "", "x", "1\x00"])
    def test_a_missing_or_garbled_version_is_a_form_error_and_nothing_is_saved(
        self, client, organization, representative, version
    ):
        client.force_login(representative)
        data = edit_data(organization, description="Jauns apraksts")
        if version is None:
            del data["version"]
        else:
            data["version"] = version
        response = client.post(self.url(organization), data)
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "This page is incomplete or out of date. Reload it" in response.text
        organization.refresh_from_db()
        assert organization.description != "Jauns apraksts" and organization.version == 1

    def test_a_value_error_of_the_service_is_not_taken_for_a_missing_version(
        self, client, organization, representative, monkeypatch
    ):
        def broken(**kwargs):
            raise ValueError("a bug in the service")

        monkeypatch.setattr("orgs.views.organization_update", broken)
        client.force_login(representative)
        # The test client raises what the view raised: a 500 in production, not a 400.
        with pytest.raises(ValueError, match="a bug in the service"):
            client.post(self.url(organization), edit_data(organization, description="Jauns"))


class TestHistory:
    def test_the_history_page_reads_the_same_number_of_queries_for_1_or_20_changes(
        self, client, organization, staff
    ):
        served = [MunicipalityFactory() for _n in range(3)]
        fields = list(FieldOfActivity.objects.all()[:3])
        client.force_login(staff)
        url = f"/en/organizations/{organization.slug}/history/"

        def add_changes(count):
            for n in range(count):
                OrganizationChange.objects.create(
                    organization=organization,
                    actor=staff,
                    fields={
                        "home_municipality_id": {"old": served[n % 3].pk, "new": served[0].pk},
                        "municipalities_served": {"old": [], "new": [m.pk for m in served]},
                        "fields_of_activity": {
                            "old": [fields[0].pk],
                            "new": [f.pk for f in fields],
                        },
                        "offers": {"old": [], "new": [NeedKind.objects.first().pk]},
                        "services": {"old": [], "new": [["Pulciņš", ""]]},
                    },
                )

        add_changes(1)
        with CaptureQueriesContext(connection) as one:
            page = client.get(url)
        assert page.status_code == 200 and served[2].name in page.text
        add_changes(19)
        with CaptureQueriesContext(connection) as twenty:
            page = client.get(url)
        assert page.status_code == 200 and served[1].name in page.text
        assert fields[2].name in page.text and "Pulciņš" in page.text
        assert len(twenty) == len(one)

    def test_a_deleted_value_shows_as_its_id_in_the_history(self, client, organization, staff):
        OrganizationChange.objects.create(
            organization=organization,
            fields={"target_groups": {"old": [987654], "new": []}},
        )
        client.force_login(staff)
        page = client.get(f"/en/organizations/{organization.slug}/history/")
        assert "987654" in page.text

    def test_staff_read_the_history_and_revert_a_change(
        self, client, organization, representative, staff
    ):
        client.force_login(representative)
        client.post(
            f"/en/organizations/{organization.slug}/edit/",
            edit_data(organization, description="Bojāts apraksts"),
        )
        change = organization.changes.get()
        client.force_login(staff)
        page = client.get(f"/en/organizations/{organization.slug}/history/")
        assert page.status_code == 200
        assert "Bojāts apraksts" in page.text
        url = f"/en/organizations/{organization.slug}/history/{change.pk}/revert/"
        assert client.get(url).status_code == 200  # the confirmation page
        organization.refresh_from_db()
        client.post(url, {"version": organization.version})
        organization.refresh_from_db()
        assert organization.description == ""
        assert organization.changes.count() == 2
        assert organization.changes.first().reverts == change

    def test_representatives_and_other_staff_cannot_read_or_revert(
        self, client, organization, representative
    ):
        client.force_login(representative)
        client.post(
            f"/en/organizations/{organization.slug}/edit/", edit_data(organization, description="A")
        )
        change = organization.changes.get()
        assert client.get(f"/en/organizations/{organization.slug}/history/").status_code == 403
        other_staff = MunicipalityMembershipFactory().user
        client.force_login(other_staff)
        url = f"/en/organizations/{organization.slug}/history/{change.pk}/revert/"
        assert client.post(url).status_code == 403
        assert client.get(url).status_code == 403
        assert client.put(url).status_code == 405
        organization.refresh_from_db()
        assert organization.description == "A"


class TestRevert:
    def edit(self, client, organization, representative, **values):
        organization.refresh_from_db()
        client.force_login(representative)
        client.post(
            f"/en/organizations/{organization.slug}/edit/", edit_data(organization, **values)
        )
        return organization.changes.first()

    def url(self, organization, change):
        return f"/en/organizations/{organization.slug}/history/{change.pk}/revert/"

    def test_the_page_shows_later_edits_of_the_same_fields_that_reverting_loses(
        self, client, organization, representative, staff
    ):
        first = self.edit(client, organization, representative, description="Pirmais")
        later = self.edit(client, organization, representative, description="Otrais")
        self.edit(client, organization, representative, email="cits@example.org")

        client.force_login(staff)
        page = client.get(self.url(organization, first))

        assert page.status_code == 200
        assert "Changed again later, lost by reverting" in page.text
        assert "Otrais" in page.text  # what is there now and will be lost
        assert later.created_at.strftime("%Y") in page.text
        assert "1 later change changed some of these fields again" in page.text
        organization.refresh_from_db()
        assert f'name="version" value="{organization.version}"' in page.text
        assert organization.description == "Otrais"  # a GET changes nothing

    def test_a_change_made_while_the_page_was_open_is_detected_and_nothing_is_reverted(
        self, client, organization, representative, staff
    ):
        first = self.edit(client, organization, representative, description="Pirmais")
        organization.refresh_from_db()
        seen_version = organization.version
        self.edit(client, organization, representative, description="Starplaikā")

        client.force_login(staff)
        response = client.post(self.url(organization, first), {"version": seen_version})

        assert response.status_code == 200
        assert "The entry changed since you opened this page" in response.text
        assert "Changed again later, lost by reverting" in response.text
        organization.refresh_from_db()
        assert organization.description == "Starplaikā"
        assert not organization.changes.filter(kind="reverted").exists()
        response = client.post(self.url(organization, first), {"version": organization.version})
        assert response.status_code == 302
        organization.refresh_from_db()
        assert organization.description == ""

    def test_a_revert_without_the_version_is_a_bad_request(
        self, client, organization, representative, staff
    ):
        first = self.edit(client, organization, representative, description="Pirmais")
        client.force_login(staff)
        assert client.post(self.url(organization, first)).status_code == 400
        assert client.post(self.url(organization, first), {"version": "1\x00"}).status_code == 400
        organization.refresh_from_db()
        assert organization.description == "Pirmais"

    def test_a_revert_does_not_move_the_entry_to_another_municipality(
        self, client, organization, administrator
    ):
        braga = MunicipalityMembershipFactory(municipality__country="PT")
        moved = self.edit(
            client, organization, administrator, home_municipality=str(braga.municipality_id)
        )
        client.force_login(braga.user)
        page = client.get(self.url(organization, moved))
        assert "Not reverted" in page.text
        organization.refresh_from_db()
        client.post(self.url(organization, moved), {"version": organization.version})
        organization.refresh_from_db()
        assert organization.home_municipality_id == braga.municipality_id

    def refused(self, client, staff, organization, change):
        """The revert page and a revert of `change`: both say why, nothing is written."""
        client.force_login(staff)
        client.raise_request_exception = False
        before = organization_snapshot(Organization.objects.get(pk=organization.pk))
        page = client.get(self.url(organization, change))
        assert page.status_code == 200
        assert "This change cannot be reverted" in page.text
        assert "Revert the change</button>" not in page.text  # no button to press
        organization.refresh_from_db()
        response = client.post(self.url(organization, change), {"version": organization.version})
        assert response.status_code == 200
        assert "This change cannot be reverted" in response.text
        organization.refresh_from_db()
        assert organization_snapshot(organization) == before
        assert not organization.changes.filter(kind="reverted").exists()
        return response.text

    def test_a_number_another_entry_has_taken_since_is_not_put_back(
        self, client, organization, representative, staff
    ):
        organization.registration_number = "40008123"
        organization.save()
        change = self.edit(client, organization, representative, registration_number="40008999")
        OrganizationFactory(country=organization.country, registration_number="40008123")
        text = self.refused(client, staff, organization, change)
        assert "Registration number: Another entry in this country now has the registration" in (
            text
        )

    def test_values_recorded_before_the_text_limits_are_not_put_back(
        self, client, organization, staff
    ):
        change = OrganizationChange.objects.create(
            organization=organization,
            kind="edited",
            fields={
                "name": {"old": "Old\nname", "new": organization.name},
                "description": {"old": "x" * 6000, "new": ""},
                "services": {"old": [["Nometne", "s" * 2500]], "new": []},
            },
        )
        text = self.refused(client, staff, organization, change)
        assert "Name: Write this on one line, without line breaks." in text
        assert "Purpose: Ensure this value has at most 5000 characters" in text
        assert "Programmes and services: Nometne: Ensure this value has at most 2000" in text

    def test_more_services_than_an_entry_may_have_now_are_not_put_back(
        self, client, organization, staff
    ):
        services = [[f"Pulciņš {n}", ""] for n in range(Organization.SERVICES_MAX + 1)]
        change = OrganizationChange.objects.create(
            organization=organization,
            kind="edited",
            fields={"services": {"old": services, "new": []}},
        )
        text = self.refused(client, staff, organization, change)
        assert "Programmes and services: Enter at most 30 programmes and services" in text

    def test_a_taxonomy_entry_deleted_since_is_not_put_back(self, client, organization, staff):
        sport = FieldOfActivity.objects.create(slug="test-revert-sport", name="Sport")
        change = OrganizationChange.objects.create(
            organization=organization,
            kind="edited",
            fields={"fields_of_activity": {"old": [sport.pk], "new": []}},
        )
        sport.delete()
        text = self.refused(client, staff, organization, change)
        assert "Fields of activity: Some of the values it would put back were deleted." in text

    def test_a_valid_revert_of_several_kinds_of_values_still_goes_ahead(
        self, client, organization, staff
    ):
        sport = FieldOfActivity.objects.create(slug="test-revert-sport", name="Sport")
        change = OrganizationChange.objects.create(
            organization=organization,
            kind="edited",
            fields={
                "registration_number": {"old": "40008123", "new": ""},
                "fields_of_activity": {"old": [sport.pk], "new": []},
                "services": {"old": [["Nometne", "Vasarā."]], "new": []},
            },
        )
        client.force_login(staff)
        page = client.get(self.url(organization, change))
        assert "This change cannot be reverted" not in page.text
        response = client.post(self.url(organization, change), {"version": organization.version})
        assert response.status_code == 302
        organization.refresh_from_db()
        assert organization.registration_number == "40008123"
        assert list(organization.fields_of_activity.all()) == [sport]
        assert list(organization.services.values_list("name", "description")) == [
            ("Nometne", "Vasarā.")
        ]

    def test_a_number_taken_between_the_checks_and_the_write_is_refused_in_words(
        self, client, organization, staff, monkeypatch
    ):
        change = OrganizationChange.objects.create(
            organization=organization,
            kind="edited",
            fields={"registration_number": {"old": "40008123", "new": ""}},
        )
        # Another entry takes the number once the checks have passed.
        monkeypatch.setattr(services, "revert_problems", lambda change, organization: [])
        OrganizationFactory(country=organization.country, registration_number="40008123")
        client.force_login(staff)
        client.raise_request_exception = False
        response = client.post(self.url(organization, change), {"version": organization.version})
        assert response.status_code == 200
        assert "This change cannot be reverted" in response.text
        assert "Another change made at the same time conflicts with these values." in (
            response.text
        )
        organization.refresh_from_db()
        assert organization.registration_number == ""
        assert not organization.changes.filter(kind="reverted").exists()


def test_a_saved_service_is_removed_with_its_button(client, organization, representative):
    ServiceFactory(organization=organization, name="Putnu pulciņš", position=0)
    ServiceFactory(organization=organization, name="Nometne", position=1)
    client.force_login(representative)
    url = f"/en/organizations/{organization.slug}/edit/"
    page = client.get(url).text
    assert 'name="services-INITIAL_FORMS" value="2"' in page
    assert 'Remove<span class="visually-hidden"> programme or service 1</span>' in page
    data = edit_data(
        organization,
        **{
            "services-TOTAL_FORMS": "3",
            "services-INITIAL_FORMS": "2",
            "services-0-name": "Putnu pulciņš",
            "services-1-name": "Nometne",
            "services-2-name": "",
        },
    )
    removed = client.post(url, {**data, "services-row": "remove-0"})
    assert removed.status_code == 200
    assert 'name="services-INITIAL_FORMS" value="1"' in removed.text
    assert "Putnu pulciņš" not in removed.text
    assert organization.services.count() == 2  # nothing saved yet
    data.update(
        {
            "services-TOTAL_FORMS": "2",
            "services-INITIAL_FORMS": "1",
            "services-0-name": "Nometne",
            "services-1-name": "",
        }
    )
    assert client.post(url, data).status_code == 302
    assert list(organization.services.values_list("name", flat=True)) == ["Nometne"]


def invitation_link(client, organization, representative, capture, email="kolega@example.org"):
    client.force_login(representative)
    with capture(execute=True):
        client.post(f"/en/organizations/{organization.slug}/invite/", {"email": email})
    return re.search(r"http://testserver(/\S+/invitations/\S+/)", mail.outbox[0].body)[1]


class TestInvitation:
    def test_a_representative_invites_a_colleague_who_accepts(
        self, client, organization, representative, django_capture_on_commit_callbacks
    ):
        link = invitation_link(
            client, organization, representative, django_capture_on_commit_callbacks
        )
        colleague = UserFactory(email="kolega@example.org")
        client.force_login(colleague)
        assert client.get(link).status_code == 200
        client.post(link)
        assert OrganizationMembership.objects.filter(
            user=colleague, organization=organization
        ).exists()

    def test_an_invitation_for_another_address_gives_nothing(
        self, client, organization, representative, django_capture_on_commit_callbacks
    ):
        link = invitation_link(
            client, organization, representative, django_capture_on_commit_callbacks
        )
        stranger = UserFactory(email="svesais@example.org")
        client.force_login(stranger)
        client.post(link)
        assert not OrganizationMembership.objects.filter(user=stranger).exists()

    def test_a_forged_link_is_refused(self, client, db):
        assert client.get("/en/organizations/invitations/forged/").status_code == 400

    def test_a_link_sent_before_signed_links_were_shared_still_works(self, client, organization):
        # The format of the links already in mailboxes: signing.dumps with this salt.
        token = signing.dumps(
            {"organization": organization.pk, "email": "kolega@example.org"},
            salt="orgs.invitation",
        )
        colleague = UserFactory(email="kolega@example.org")
        client.force_login(colleague)
        client.post(f"/en/organizations/invitations/{token}/")
        assert OrganizationMembership.objects.filter(
            user=colleague, organization=organization
        ).exists()

    def test_a_link_older_than_14_days_is_refused(self, client, organization):
        fifteen_days_ago = time.time() - 15 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=fifteen_days_ago):
            token = services.INVITATION.make(
                {"organization": organization.pk, "email": "kolega@example.org"}
            )
        client.force_login(UserFactory(email="kolega@example.org"))
        assert client.post(f"/en/organizations/invitations/{token}/").status_code == 400
        assert not OrganizationMembership.objects.filter(organization=organization).exists()

    def test_the_link_of_a_deleted_entry_is_refused(self, client, organization):
        token = services.INVITATION.make(
            {"organization": organization.pk, "email": "kolega@example.org"}
        )
        organization.delete()
        assert client.get(f"/en/organizations/invitations/{token}/").status_code == 400

    def test_a_still_correct_link_is_no_invitation(self, client, organization):
        token = services.still_correct_token(organization)
        client.force_login(UserFactory(email="kolega@example.org"))
        assert client.post(f"/en/organizations/invitations/{token}/").status_code == 400
        assert not OrganizationMembership.objects.filter(organization=organization).exists()

    def test_only_representatives_invite(self, client, organization, outsider):
        client.force_login(outsider)
        response = client.post(
            f"/en/organizations/{organization.slug}/invite/", {"email": "x@example.org"}
        )
        assert response.status_code == 403
        assert mail.outbox == []


class TestFreshness:
    def test_the_command_asks_representatives_of_stale_entries_once_a_month(
        self, client, organization, representative, django_capture_on_commit_callbacks
    ):
        old = timezone.now() - datetime.timedelta(days=400)
        Organization.objects.filter(pk=organization.pk).update(last_confirmed_at=old)
        fresh = OrganizationMembershipFactory(organization__name="Svaiga").organization
        Organization.objects.filter(pk=fresh.pk).update(last_confirmed_at=timezone.now())

        with django_capture_on_commit_callbacks(execute=True):
            call_command("request_confirmations")
        assert [m.to for m in mail.outbox] == [[representative.email]]
        with django_capture_on_commit_callbacks(execute=True):
            call_command("request_confirmations")
        assert len(mail.outbox) == 1  # not again within a month

        link = re.search(r"http://127.0.0.1:8000(/\S+/still-correct/\S+/)", mail.outbox[0].body)[1]
        assert client.get(link).status_code == 200
        organization.refresh_from_db()
        assert organization.is_stale()  # a GET (a mail scanner) confirms nothing
        client.post(link)
        organization.refresh_from_db()
        assert not organization.is_stale()

    def test_a_still_correct_link_sent_before_signed_links_were_shared_still_works(
        self, client, organization
    ):
        token = signing.dumps({"organization": organization.pk}, salt="orgs.still-correct")
        assert client.get(f"/en/organizations/still-correct/{token}/").status_code == 200

    def test_a_still_correct_link_older_than_60_days_is_refused(self, client, organization):
        sixty_one_days_ago = time.time() - 61 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=sixty_one_days_ago):
            token = services.still_correct_token(organization)
        before = organization.last_confirmed_at
        assert client.post(f"/en/organizations/still-correct/{token}/").status_code == 400
        organization.refresh_from_db()
        assert organization.last_confirmed_at == before

    def test_my_work_lists_my_entries_queue_and_what_is_due(
        self, client, organization, representative, staff
    ):
        Organization.objects.filter(pk=organization.pk).update(
            last_confirmed_at=timezone.now() - datetime.timedelta(days=400)
        )
        client.force_login(representative)
        page = client.get("/en/my-work/")
        assert organization.name in page.text
        assert "Confirm it is still correct" in page.text
        assert "Waiting in my queue" not in page.text
        client.force_login(staff)
        assert "Waiting in my queue" in client.get("/en/my-work/").text

    def test_my_work_needs_sign_in(self, client, db):
        assert client.get("/en/my-work/").status_code == 302


def test_a_corrected_rejected_entry_goes_back_to_the_queue(
    client, organization, representative, staff, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=organization.pk).update(
        status=Organization.Status.REJECTED, rejection_reason="Trūkst apraksta."
    )
    organization.refresh_from_db()
    client.force_login(representative)
    assert "Trūkst apraksta." in client.get(f"/en/organizations/{organization.slug}/edit/").text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/organizations/{organization.slug}/edit/",
            edit_data(organization, description="Tagad ar aprakstu."),
        )
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING
    assert organization.rejection_reason == ""
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_an_invitation_to_a_bad_address_is_refused(client, organization, representative):
    client.force_login(representative)
    response = client.post(
        f"/en/organizations/{organization.slug}/invite/", {"email": "nav-adrese"}
    )
    assert "There is a problem" in response.text
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (
            "k" * 65 + "@example.org",
            "The part before the @ can be at most 64 characters long.",
        ),
        (
            "kolega@" + "garais-domens." * 18 + "lv",
            "Ensure this value has at most 254 characters (it has 261).",
        ),
    ],
    ids=["local part over 64", "whole over 254"],
)
def test_an_invitation_to_an_address_longer_than_the_standard_allows_is_refused(
    client, organization, representative, django_capture_on_commit_callbacks, email, message
):
    client.force_login(representative)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/organizations/{organization.slug}/invite/", {"email": email})
    assert response.status_code == 200
    assert message in response.text
    assert mail.outbox == []
