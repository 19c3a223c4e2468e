"""A new home municipality: the new municipality decides, both are told, the history stays
readable by both."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.access import move_queryset
from orgs.models import Organization, OrganizationChange, OrganizationClaim, OrganizationMove
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .test_edit import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(db):
    return MunicipalityFactory(name="Município de Braga", slug="braga", country="PT")


@pytest.fixture
def elsewhere_staff(elsewhere):
    return MunicipalityMembershipFactory(municipality=elsewhere).user


def edit_url(organization):
    return f"/en/organizations/{organization.slug}/edit/"


def to_of(message_list):
    return sorted(address for message in message_list for address in message.to)


def request_move(client, organization, representative, municipality, capture, **overrides):
    client.force_login(representative)
    data = edit_data(organization, home_municipality=str(municipality.pk), **overrides)
    with capture(execute=True):
        return client.post(edit_url(organization), data)


class TestRequest:
    def test_a_representatives_new_municipality_waits_for_its_staff_and_the_rest_is_saved(
        self,
        client,
        organization,
        representative,
        staff,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        response = request_move(
            client,
            organization,
            representative,
            elsewhere,
            django_capture_on_commit_callbacks,
            description="Tagad Bragā",
        )

        assert response.status_code == 302
        organization.refresh_from_db()
        assert organization.description == "Tagad Bragā"  # saved at once
        assert organization.home_municipality == staff.municipality_memberships.get().municipality
        assert organization.country == "LV"
        move = OrganizationMove.objects.get()
        assert (move.from_municipality, move.to_municipality) == (
            organization.home_municipality,
            elsewhere,
        )
        assert move.status == OrganizationMove.Status.PENDING
        assert to_of(mail.outbox) == sorted([staff.email, elsewhere_staff.email])
        assert list(move_queryset(elsewhere_staff)) == [move]
        assert list(move_queryset(staff)) == []
        assert organization.changes.get().fields.keys() == {"description"}

    def test_saving_the_form_again_keeps_the_request_and_sends_nothing(
        self,
        client,
        organization,
        representative,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        request_move(
            client, organization, representative, elsewhere, django_capture_on_commit_callbacks
        )
        sent = len(mail.outbox)
        page = client.get(edit_url(organization))
        assert f'<option value="{elsewhere.pk}" selected>' in page.text
        assert "waits for the approval of its staff" in page.text
        organization.refresh_from_db()
        request_move(
            client, organization, representative, elsewhere, django_capture_on_commit_callbacks
        )
        assert OrganizationMove.objects.get().status == OrganizationMove.Status.PENDING
        assert len(mail.outbox) == sent

    def test_choosing_the_present_municipality_again_withdraws_the_request(
        self,
        client,
        organization,
        representative,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        home = organization.home_municipality
        request_move(
            client, organization, representative, elsewhere, django_capture_on_commit_callbacks
        )
        request_move(client, organization, representative, home, django_capture_on_commit_callbacks)
        assert OrganizationMove.objects.get().status == OrganizationMove.Status.WITHDRAWN
        assert list(move_queryset(elsewhere_staff)) == []


class TestDecision:
    @pytest.fixture
    def move(
        self,
        client,
        organization,
        representative,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        request_move(
            client, organization, representative, elsewhere, django_capture_on_commit_callbacks
        )
        mail.outbox.clear()
        return OrganizationMove.objects.get()

    def url(self, move):
        return f"/en/moderation/moves/{move.pk}/"

    def test_the_new_municipality_approves_and_the_entry_moves_with_its_country(
        self,
        client,
        move,
        organization,
        representative,
        staff,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        version = Organization.objects.get(pk=organization.pk).version
        client.force_login(elsewhere_staff)
        page = client.get("/en/moderation/")
        assert "asks to move from Talsu novads to Município de Braga" in page.text
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(move), {"decision": "approve"})

        assert response.status_code == 302
        organization.refresh_from_db()
        assert organization.home_municipality == elsewhere
        assert organization.country == "PT"
        assert organization.version == version + 1
        move.refresh_from_db()
        assert move.status == OrganizationMove.Status.APPROVED
        assert move.decided_by == elsewhere_staff
        change = organization.changes.first()
        assert change.kind == OrganizationChange.Kind.MODERATED
        assert change.actor == elsewhere_staff
        assert change.fields["home_municipality_id"] == {
            "old": move.from_municipality_id,
            "new": elsewhere.pk,
        }
        assert to_of(mail.outbox) == sorted(
            [staff.email, elsewhere_staff.email, representative.email]
        )

    def test_the_new_municipality_rejects_with_a_reason_both_receive(
        self,
        client,
        move,
        organization,
        staff,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        client.force_login(elsewhere_staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(self.url(move), {"decision": "reject", "reason": "Nav mūsu novadā."})
        organization.refresh_from_db()
        assert organization.home_municipality == move.from_municipality
        move.refresh_from_db()
        assert move.status == OrganizationMove.Status.REJECTED
        told = [m for m in mail.outbox if m.to in ([staff.email], [elsewhere_staff.email])]
        assert len(told) == 2
        assert all("Nav mūsu novadā." in message.body for message in told)

    def test_a_move_decided_in_between_says_so_and_stays_decided(
        self, client, move, elsewhere, elsewhere_staff
    ):
        colleague = MunicipalityMembershipFactory(municipality=elsewhere).user
        client.force_login(colleague)
        client.post(self.url(move), {"decision": "reject", "reason": "Nav mūsu novadā."})
        client.force_login(elsewhere_staff)
        response = client.post(self.url(move), {"decision": "approve"}, follow=True)
        assert response.redirect_chain == [("/en/moderation/", 302)]
        assert "Someone else has already decided on this move." in response.text
        move.refresh_from_db()
        assert move.status == OrganizationMove.Status.REJECTED
        assert move.decided_by == colleague

    def test_a_rejection_needs_a_reason_and_a_nul_byte_is_refused(
        self, client, move, elsewhere_staff
    ):
        client.force_login(elsewhere_staff)
        for reason in ("", "a\x00b"):
            response = client.post(self.url(move), {"decision": "reject", "reason": reason})
            assert response.status_code == 200
            assert "There is a problem" in response.text
        move.refresh_from_db()
        assert move.status == OrganizationMove.Status.PENDING

    def test_the_municipality_it_leaves_gets_403_others_404_the_requester_403(
        self, client, move, staff, representative
    ):
        for user, status in (
            (staff, 403),
            (MunicipalityMembershipFactory().user, 404),
            (representative, 403),
        ):
            client.force_login(user)
            assert client.post(self.url(move), {"decision": "approve"}).status_code == status
        client.force_login(staff)
        assert client.get(self.url(move)).status_code == 405
        move.refresh_from_db()
        assert move.status == OrganizationMove.Status.PENDING

    def test_staff_of_the_new_municipality_who_represent_the_entry_do_not_decide(
        self, client, organization, elsewhere, administrator, move
    ):
        # The only staff member of the new municipality is also a representative.
        elsewhere.memberships.all().delete()
        insider = MunicipalityMembershipFactory(municipality=elsewhere).user
        OrganizationMembershipFactory(organization=organization, user=insider)
        assert list(move_queryset(insider)) == []
        assert list(move_queryset(administrator)) == [move]
        client.force_login(insider)
        assert client.post(self.url(move), {"decision": "approve"}).status_code == 403

    def test_an_administrator_decides_anywhere_and_the_queue_lists_what_waits_for_them(
        self, client, move, elsewhere, elsewhere_staff, administrator
    ):
        # Braga has staff who may decide: the move is not in the administrator's queue,
        # yet an administrator may decide it (one rule: they decide everywhere).
        client.force_login(administrator)
        page = client.get("/en/moderation/")
        assert "asks to move from" not in page.text
        # Not one municipality's queue: no "your municipality" for an administrator.
        assert "Moves waiting for your decision" in page.text
        assert "your municipality" not in page.text
        assert "Export the directory with every entry in every status" in page.text

        elsewhere.memberships.all().delete()  # now nobody else may decide it
        page = client.get("/en/moderation/")
        assert "asks to move from Talsu novads to Município de Braga" in page.text
        assert "your municipality" not in page.text

        response = client.post(self.url(move), {"decision": "approve"})
        assert response.status_code == 302
        move.refresh_from_db()
        assert (move.status, move.decided_by) == (OrganizationMove.Status.APPROVED, administrator)

    def test_staff_read_the_queue_as_their_municipalitys(self, client, move, elsewhere_staff):
        client.force_login(elsewhere_staff)
        page = client.get("/en/moderation/")
        assert "Moves to your municipality" in page.text
        assert "your municipality's entries in every status" in page.text
        assert "Moves waiting for your decision" not in page.text

    def test_a_move_onto_a_registration_number_already_listed_there_is_refused_in_words(
        self, client, move, organization, elsewhere, elsewhere_staff
    ):
        Organization.objects.filter(pk=organization.pk).update(registration_number="40008000001")
        OrganizationFactory(home_municipality=elsewhere, registration_number="40008000001")
        client.force_login(elsewhere_staff)
        response = client.post(self.url(move), {"decision": "approve"}, follow=True)
        assert "already has the registration number 40008000001" in response.text
        organization.refresh_from_db()
        assert organization.home_municipality == move.from_municipality
        move.refresh_from_db()
        assert move.status == OrganizationMove.Status.PENDING


class TestHistoryAfterAMove:
    def test_staff_of_both_municipalities_read_it_and_only_the_new_one_reverts(
        self,
        client,
        organization,
        representative,
        staff,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        request_move(
            client,
            organization,
            representative,
            elsewhere,
            django_capture_on_commit_callbacks,
            description="Pirms pārcelšanās",
        )
        edit = organization.changes.get()
        client.force_login(elsewhere_staff)
        client.post(
            f"/en/moderation/moves/{OrganizationMove.objects.get().pk}/", {"decision": "approve"}
        )

        history = f"/en/organizations/{organization.slug}/history/"
        revert = f"{history}{edit.pk}/revert/"
        client.force_login(staff)
        page = client.get(history)
        assert page.status_code == 200
        assert "Pirms pārcelšanās" in page.text
        assert revert not in page.text
        assert client.get(revert).status_code == 403
        assert "History of changes" in client.get(f"/en/organizations/{organization.slug}/").text

        client.force_login(elsewhere_staff)
        assert client.get(history).status_code == 200
        assert client.get(revert).status_code == 200

        client.force_login(MunicipalityMembershipFactory().user)
        assert client.get(history).status_code == 403


class TestWithoutApproval:
    def test_a_pending_entry_simply_moves_to_the_other_queue_and_both_are_told(
        self,
        client,
        organization,
        representative,
        staff,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
        organization.refresh_from_db()
        request_move(
            client, organization, representative, elsewhere, django_capture_on_commit_callbacks
        )
        organization.refresh_from_db()
        assert organization.home_municipality == elsewhere
        assert organization.country == "PT"
        assert not OrganizationMove.objects.exists()
        assert to_of(mail.outbox) == sorted([staff.email, elsewhere_staff.email])
        waiting = next(m for m in mail.outbox if m.to == [elsewhere_staff.email])
        assert f"/moderation/organizations/{organization.pk}/" in waiting.body
        client.force_login(elsewhere_staff)
        assert organization.name in client.get("/en/moderation/").text
        client.force_login(staff)
        assert organization.name not in client.get("/en/moderation/").text
        assert client.get(f"/en/organizations/{organization.slug}/history/").status_code == 200

    def test_an_administrator_moves_a_published_entry_at_once_and_it_is_recorded(
        self,
        client,
        organization,
        administrator,
        staff,
        elsewhere,
        elsewhere_staff,
        django_capture_on_commit_callbacks,
    ):
        old_home = organization.home_municipality
        request_move(
            client, organization, administrator, elsewhere, django_capture_on_commit_callbacks
        )
        organization.refresh_from_db()
        assert organization.home_municipality == elsewhere
        assert organization.country == "PT"
        change = organization.changes.get()
        assert change.actor == administrator
        assert change.fields["home_municipality_id"] == {"old": old_home.pk, "new": elsewhere.pk}
        assert not OrganizationMove.objects.exists()
        assert to_of(mail.outbox) == sorted([staff.email, elsewhere_staff.email])


def test_a_registration_number_taken_in_the_present_country_is_refused_with_a_move(
    client, organization, representative, elsewhere
):
    OrganizationFactory(
        home_municipality=organization.home_municipality, registration_number="4000"
    )
    client.force_login(representative)
    response = client.post(
        edit_url(organization),
        edit_data(organization, home_municipality=str(elsewhere.pk), registration_number="4000"),
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    organization.refresh_from_db()
    assert organization.registration_number == ""
    assert not OrganizationMove.objects.exists()


def test_the_queue_reads_the_same_number_of_queries_however_many_claims_and_moves(
    client, municipality, staff, elsewhere
):
    def add_requests(count):
        for _ in range(count):
            OrganizationClaim.objects.create(
                organization=OrganizationFactory(home_municipality=municipality),
                user=UserFactory(),
                message="x",
            )
            moving = OrganizationFactory(home_municipality=elsewhere)
            OrganizationMove.objects.create(
                organization=moving,
                from_municipality=elsewhere,
                to_municipality=municipality,
                requested_by=UserFactory(),
            )

    client.force_login(staff)
    add_requests(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/moderation/").status_code == 200
    add_requests(4)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/en/moderation/")
    assert page.text.count("Approve the move") == 5
    assert len(many) == len(few)


def test_an_administrators_unrelated_edit_does_not_make_a_waiting_move(
    client,
    organization,
    representative,
    administrator,
    elsewhere,
    elsewhere_staff,
    django_capture_on_commit_callbacks,
):
    home = organization.home_municipality
    request_move(
        client, organization, representative, elsewhere, django_capture_on_commit_callbacks
    )
    client.force_login(administrator)
    page = client.get(edit_url(organization))
    assert f'<option value="{home.pk}" selected>' in page.text
    organization.refresh_from_db()
    client.post(edit_url(organization), edit_data(organization, description="Labots"))
    organization.refresh_from_db()
    assert organization.description == "Labots"
    assert organization.home_municipality == home
    assert OrganizationMove.objects.get().status == OrganizationMove.Status.PENDING
