"""The rules of a municipality's staff (orgs.services staff_*): invitations, role changes
and removals, the last coordinator, the record of every change and the e-mails."""

import re
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from orgs import services
from orgs.models import MunicipalityMembership, StaffChange
from orgs.services import (
    StaffChangeRefused,
    StaffInvitationForAnotherAddress,
    open_staff_invitations,
    staff_invitation_accept,
    staff_invitation_read,
    staff_invitation_withdraw,
    staff_invite,
    staff_remove,
    staff_role_change,
)
from roadmap_portal.lib.signing import LinkInvalid
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    # The refusals are checked in English; outside a request the portal speaks Latvian.
    with translation.override("en"):
        yield


COORDINATOR, STAFF = MunicipalityMembership.Role.COORDINATOR, MunicipalityMembership.Role.STAFF


def membership_of(user, municipality):
    return MunicipalityMembership.objects.select_related("user", "municipality").get(
        user=user, municipality=municipality
    )


def invite(municipality, coordinator, capture, *, email, role=STAFF, language="en"):
    with capture(execute=True):
        staff_invite(
            municipality=municipality,
            inviter=coordinator,
            email=email,
            role=role,
            language=language,
            base_url="http://testserver",
        )
    message = mail.outbox[-1]
    return message, re.search(r"/staff-invitations/([^/\s]+)/", message.body)[1]


class TestInvitations:
    def test_an_invitation_is_recorded_and_sent_in_the_inviters_page_language(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        message, token = invite(
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="Jauna@Example.org",
            role=COORDINATOR,
            language="sv",
        )
        assert message.to == ["jauna@example.org"]
        assert "/sv/staff-invitations/" in message.body
        assert "Samordnare" in message.body  # the role, in Swedish
        invitation = staff_invitation_read(token=token)
        assert (invitation.kind, invitation.email, invitation.role, invitation.actor) == (
            StaffChange.Kind.INVITED,
            "jauna@example.org",
            COORDINATOR,
            coordinator,
        )

    def test_an_invitee_with_an_account_is_written_to_in_its_language(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        UserFactory(email="kolege@example.org", language="lt")
        message, _token = invite(
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="kolege@example.org",
            language="sv",
        )
        assert "/lt/staff-invitations/" in message.body

    def test_accepting_makes_the_invitee_a_member_with_the_role_once(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        _message, token = invite(
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="jauna@example.org",
            role=COORDINATOR,
        )
        invitee = UserFactory(email="jauna@example.org")
        membership = staff_invitation_accept(token=token, user=invitee)
        assert (membership.municipality, membership.role) == (municipality, COORDINATOR)
        joined = StaffChange.objects.get(kind=StaffChange.Kind.JOINED)
        assert (joined.actor, joined.person, joined.role) == (invitee, invitee, COORDINATOR)
        with pytest.raises(LinkInvalid):
            staff_invitation_accept(token=token, user=invitee)
        assert list(open_staff_invitations(municipality)) == []

    def test_an_invitation_for_another_address_gives_nothing(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        _message, token = invite(
            municipality, coordinator, django_capture_on_commit_callbacks, email="a@example.org"
        )
        with pytest.raises(StaffInvitationForAnotherAddress):
            staff_invitation_accept(token=token, user=UserFactory(email="b@example.org"))
        assert not MunicipalityMembership.objects.filter(user__email="b@example.org").exists()

    def test_inviting_again_replaces_the_earlier_link(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        capture = django_capture_on_commit_callbacks
        _message, first = invite(municipality, coordinator, capture, email="a@example.org")
        _message, second = invite(municipality, coordinator, capture, email="a@example.org")
        with pytest.raises(LinkInvalid):
            staff_invitation_read(token=first)
        assert staff_invitation_read(token=second)
        assert [i.email for i in open_staff_invitations(municipality)] == ["a@example.org"]

    def test_a_link_kept_after_a_removal_does_not_bring_the_person_back(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        _message, token = invite(
            municipality, coordinator, django_capture_on_commit_callbacks, email="a@example.org"
        )
        invitee = UserFactory(email="a@example.org")
        membership = staff_invitation_accept(token=token, user=invitee)
        staff_remove(membership=membership, actor=coordinator)
        with pytest.raises(LinkInvalid):
            staff_invitation_accept(token=token, user=invitee)

    def test_an_invitation_ends_when_its_inviter_stops_being_a_coordinator(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        # Otherwise a coordinator could invite a second address of their own, be removed,
        # and come back through the link.
        other = MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR).user
        _message, token = invite(
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="second.address@example.org",
            role=COORDINATOR,
        )
        staff_remove(membership=membership_of(coordinator, municipality), actor=other)
        with pytest.raises(LinkInvalid) as refused:
            staff_invitation_accept(
                token=token, user=UserFactory(email="second.address@example.org")
            )
        assert refused.value.reason == LinkInvalid.STALE
        assert not MunicipalityMembership.objects.filter(
            user__email="second.address@example.org"
        ).exists()

    def test_an_invitation_ends_when_its_inviters_account_is_closed(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        _message, token = invite(
            municipality, coordinator, django_capture_on_commit_callbacks, email="a@example.org"
        )
        coordinator.is_active = False
        coordinator.save()
        with pytest.raises(LinkInvalid):
            staff_invitation_read(token=token)

    def test_a_withdrawn_invitation_no_longer_works_and_is_recorded(
        self, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        other = MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR).user
        _message, token = invite(
            municipality, coordinator, django_capture_on_commit_callbacks, email="a@example.org"
        )
        invitation = staff_invitation_read(token=token)
        staff_invitation_withdraw(invitation=invitation, actor=other)
        with pytest.raises(LinkInvalid):
            staff_invitation_accept(token=token, user=UserFactory(email="a@example.org"))
        assert list(open_staff_invitations(municipality)) == []
        withdrawn = StaffChange.objects.latest("pk")
        assert (withdrawn.kind, withdrawn.actor, withdrawn.email) == (
            StaffChange.Kind.WITHDRAWN,
            other,
            "a@example.org",
        )
        with pytest.raises(StaffChangeRefused, match="already used or replaced"):
            staff_invitation_withdraw(invitation=invitation, actor=other)

    def test_a_member_is_not_invited(self, municipality, coordinator, staff):
        with pytest.raises(StaffChangeRefused, match="already works for"):
            staff_invite(
                municipality=municipality,
                inviter=coordinator,
                email=staff.email.upper(),
                role=COORDINATOR,
                language="en",
                base_url="http://testserver",
            )
        assert not StaffChange.objects.exists()

    def test_a_forged_token_is_refused(self, db):
        with pytest.raises(LinkInvalid):
            staff_invitation_read(token="forged")


class TestRoles:
    def test_a_coordinator_changes_a_members_role_and_they_are_told_in_their_language(
        self, municipality, coordinator, staff, django_capture_on_commit_callbacks
    ):
        staff.language = "sv"
        staff.save(update_fields=["language"])
        with django_capture_on_commit_callbacks(execute=True):
            staff_role_change(
                membership=membership_of(staff, municipality), role=COORDINATOR, actor=coordinator
            )
        assert membership_of(staff, municipality).role == COORDINATOR
        change = StaffChange.objects.get()
        assert (change.kind, change.actor, change.person, change.previous_role, change.role) == (
            StaffChange.Kind.ROLE_CHANGED,
            coordinator,
            staff,
            STAFF,
            COORDINATOR,
        )
        assert mail.outbox[-1].to == [staff.email]
        assert "Samordnare" in mail.outbox[-1].body

    def test_nobody_changes_their_own_role(self, municipality, coordinator):
        MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
        with pytest.raises(StaffChangeRefused, match="your own role"):
            staff_role_change(
                membership=membership_of(coordinator, municipality), role=STAFF, actor=coordinator
            )
        assert membership_of(coordinator, municipality).role == COORDINATOR

    def test_the_last_coordinator_is_never_demoted(self, municipality, coordinator, administrator):
        with pytest.raises(StaffChangeRefused, match="only coordinator"):
            staff_role_change(
                membership=membership_of(coordinator, municipality),
                role=STAFF,
                actor=administrator,
            )
        assert membership_of(coordinator, municipality).role == COORDINATOR
        assert not StaffChange.objects.exists()

    def test_a_coordinator_is_demoted_while_another_remains(
        self, municipality, coordinator, administrator
    ):
        other = MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
        staff_role_change(membership=other, role=STAFF, actor=coordinator)
        assert membership_of(other.user, municipality).role == STAFF

    def test_the_same_role_again_records_nothing(self, municipality, coordinator, staff):
        staff_role_change(
            membership=membership_of(staff, municipality), role=STAFF, actor=coordinator
        )
        assert not StaffChange.objects.exists()


class TestRemovals:
    def test_a_coordinator_removes_a_member_who_is_told(
        self, municipality, coordinator, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            staff_remove(membership=membership_of(staff, municipality), actor=coordinator)
        assert not MunicipalityMembership.objects.filter(user=staff).exists()
        change = StaffChange.objects.get()
        assert (change.kind, change.person, change.email, change.previous_role, change.role) == (
            StaffChange.Kind.REMOVED,
            staff,
            staff.email,
            STAFF,
            "",
        )
        assert mail.outbox[-1].to == [staff.email]
        assert municipality.name in mail.outbox[-1].subject

    def test_the_last_coordinator_cannot_remove_themselves(self, municipality, coordinator):
        with pytest.raises(StaffChangeRefused, match="only coordinator"):
            staff_remove(membership=membership_of(coordinator, municipality), actor=coordinator)
        assert membership_of(coordinator, municipality)

    def test_a_coordinator_leaves_while_another_remains(self, municipality, coordinator):
        MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
        staff_remove(membership=membership_of(coordinator, municipality), actor=coordinator)
        assert not MunicipalityMembership.objects.filter(user=coordinator).exists()

    def test_a_closed_account_does_not_count_as_the_other_coordinator(
        self, municipality, coordinator
    ):
        closed = MunicipalityMembershipFactory(
            municipality=municipality, role=COORDINATOR, user__is_active=False
        )
        with pytest.raises(StaffChangeRefused, match="only coordinator"):
            staff_remove(membership=membership_of(coordinator, municipality), actor=coordinator)
        with pytest.raises(StaffChangeRefused, match="only coordinator"):
            staff_role_change(
                membership=membership_of(coordinator, municipality),
                role=STAFF,
                actor=UserFactory(is_superuser=True),
            )
        # The closed account itself may go.
        staff_remove(membership=membership_of(closed.user, municipality), actor=coordinator)

    def test_the_last_coordinator_is_never_removed_by_an_administrator(
        self, municipality, coordinator, administrator
    ):
        with pytest.raises(StaffChangeRefused):
            staff_remove(membership=membership_of(coordinator, municipality), actor=administrator)

    def test_a_member_removed_in_between_is_not_removed_twice(
        self, municipality, coordinator, staff
    ):
        membership = membership_of(staff, municipality)
        MunicipalityMembership.objects.filter(pk=membership.pk).delete()
        with pytest.raises(StaffChangeRefused, match="no longer works"):
            staff_remove(membership=membership, actor=coordinator)
        assert not StaffChange.objects.exists()

    def test_coordinators_of_another_municipality_do_not_count(self, municipality, coordinator):
        MunicipalityMembershipFactory(municipality=MunicipalityFactory(), role=COORDINATOR)
        with pytest.raises(StaffChangeRefused):
            staff_remove(membership=membership_of(coordinator, municipality), actor=coordinator)


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks; writers there wait for each other's whole transaction",
)


@on_postgresql
def test_a_change_locks_the_municipalitys_memberships(municipality, coordinator, staff):
    with CaptureQueriesContext(connection) as queries:
        staff_remove(membership=membership_of(staff, municipality), actor=coordinator)
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert locks and '"orgs_municipalitymembership"' in locks[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_demoting_each_other_at_once_leave_one_coordinator():
    municipality = MunicipalityFactory()
    first = MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
    second = MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
    first_counted = threading.Event()
    results = {}
    count = services._coordinators

    def slow_count(members):
        # The first thread waits here, after counting and before writing, for the second
        # to count too: without the lock both would count two coordinators.
        counted = count(members)
        if threading.current_thread().name == "first":
            first_counted.set()
            time.sleep(1)
        return counted

    def demote(target, actor, name):
        if name == "second":
            first_counted.wait(5)
        try:
            staff_role_change(membership=target, role=STAFF, actor=actor)
            results[name] = "done"
        except StaffChangeRefused:
            results[name] = "refused"
        finally:
            connection.close()

    with mock.patch.object(services, "_coordinators", slow_count):
        threads = [
            threading.Thread(target=demote, args=(second, first.user, "first"), name="first"),
            threading.Thread(target=demote, args=(first, second.user, "second"), name="second"),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert sorted(results.values()) == ["done", "refused"]
    assert (
        MunicipalityMembership.objects.filter(municipality=municipality, role=COORDINATOR).count()
        == 1
    )


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "promoted", "role": STAFF},
        {"kind": StaffChange.Kind.REMOVED, "role": STAFF},
        {"kind": StaffChange.Kind.ROLE_CHANGED, "role": ""},
        {"kind": StaffChange.Kind.ROLE_CHANGED, "role": "mayor"},
        {"kind": StaffChange.Kind.ROLE_CHANGED, "role": STAFF, "previous_role": "mayor"},
    ],
)
def test_the_database_refuses_a_record_that_makes_no_sense(municipality, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffChange.objects.create(municipality=municipality, email="a@example.org", **values)
