"""The staff page of a municipality (/municipalities/<slug>/staff/): coordinators invite,
change roles, remove; the invitation page an invitee accepts, signed up or not."""

import re

import pytest
from django.core import mail

from orgs.models import MunicipalityMembership, StaffChange
from orgs.services import staff_invite
from tests.factories import MunicipalityMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
COORDINATOR, STAFF = MunicipalityMembership.Role.COORDINATOR, MunicipalityMembership.Role.STAFF


def staff_url(municipality, tail=""):
    return f"/en/municipalities/{municipality.slug}/staff/{tail}"


def membership_of(user):
    return MunicipalityMembership.objects.get(user=user)


class TestThePage:
    def test_a_coordinator_sees_the_members_invitations_and_recent_changes(
        self, client, municipality, coordinator, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                staff_url(municipality, "invite/"), {"email": "jauna@example.org", "role": STAFF}
            )
        response = client.get(staff_url(municipality))
        assert response.status_code == 200
        assert staff.email in response.text and coordinator.email in response.text
        assert "jauna@example.org as Municipal staff" in response.text  # waiting
        assert "Invited" in response.text  # the record
        # Nobody is offered a change of their own role.
        own = membership_of(coordinator).pk
        assert staff_url(municipality, f"{own}/role/") not in response.text
        assert staff_url(municipality, f"{membership_of(staff).pk}/role/") in response.text

    def test_its_queries_do_not_grow_with_the_staff(
        self, client, municipality, coordinator, django_assert_max_num_queries
    ):
        client.force_login(coordinator)
        for _ in range(5):
            MunicipalityMembershipFactory(municipality=municipality)
        StaffChange.objects.create(
            municipality=municipality, kind="removed", actor=coordinator, email="x@example.org"
        )
        # 9: the changes are paged, with their capped count (roadmap_portal/lib/pagination.py).
        with django_assert_max_num_queries(9) as few:
            client.get(staff_url(municipality))
        for _ in range(5):
            MunicipalityMembershipFactory(municipality=municipality)
            StaffChange.objects.create(
                municipality=municipality, kind="removed", actor=coordinator, email="y@example.org"
            )
        with django_assert_max_num_queries(len(few)):
            client.get(staff_url(municipality))

    def test_staff_get_403_others_404(self, client, municipality, staff, outsider):
        client.force_login(staff)
        assert client.get(staff_url(municipality)).status_code == 403
        client.force_login(outsider)
        assert client.get(staff_url(municipality)).status_code == 404
        other = MunicipalityMembershipFactory(role=COORDINATOR).user
        client.force_login(other)
        assert client.get(staff_url(municipality)).status_code == 404

    def test_a_membership_of_another_municipality_is_not_found(
        self, client, municipality, coordinator
    ):
        elsewhere = MunicipalityMembershipFactory()
        client.force_login(coordinator)
        assert client.get(staff_url(municipality, f"{elsewhere.pk}/role/")).status_code == 404
        assert client.post(staff_url(municipality, f"{elsewhere.pk}/remove/")).status_code == 404
        assert MunicipalityMembership.objects.filter(pk=elsewhere.pk).exists()

    def test_the_list_takes_no_post(self, client, municipality, coordinator):
        client.force_login(coordinator)
        assert client.post(staff_url(municipality)).status_code == 405

    def test_the_municipality_page_and_my_work_link_to_it_for_its_coordinators(
        self, client, municipality, coordinator, staff
    ):
        client.force_login(coordinator)
        assert (
            staff_url(municipality) in client.get(f"/en/municipalities/{municipality.slug}/").text
        )
        assert staff_url(municipality) in client.get("/en/my-work/").text
        client.force_login(staff)
        assert (
            staff_url(municipality)
            not in client.get(f"/en/municipalities/{municipality.slug}/").text
        )
        assert staff_url(municipality) not in client.get("/en/my-work/").text


class TestInvitePage:
    def test_a_role_is_chosen_with_radios(self, client, municipality, coordinator):
        client.force_login(coordinator)
        page = client.get(staff_url(municipality, "invite/")).text
        assert page.count('name="role"') == 2 and page.count('type="radio"') == 2
        assert "<legend" in page

    def test_a_missing_role_and_address_are_errors_in_the_summary(
        self, client, municipality, coordinator
    ):
        client.force_login(coordinator)
        response = client.post(staff_url(municipality, "invite/"), {"email": "", "role": ""})
        assert response.status_code == 200
        assert "Error:" in response.text
        assert "Enter the e-mail address of the person to invite" in response.text
        assert "Choose a role" in response.text
        assert mail.outbox == []

    def test_a_member_is_not_invited_again(self, client, municipality, coordinator, staff):
        client.force_login(coordinator)
        response = client.post(
            staff_url(municipality, "invite/"), {"email": staff.email, "role": COORDINATOR}
        )
        assert "already works for" in response.text
        assert mail.outbox == []


class TestRolePage:
    def test_a_coordinator_makes_a_member_coordinator(
        self, client, municipality, coordinator, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(coordinator)
        url = staff_url(municipality, f"{membership_of(staff).pk}/role/")
        assert re.search(r'value="staff"\s+id="id_role_0"[^>]*checked', client.get(url).text)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"role": COORDINATOR})
        assert response["Location"] == staff_url(municipality)
        assert membership_of(staff).role == COORDINATOR
        assert mail.outbox[-1].to == [staff.email]

    def test_a_coordinator_cannot_change_their_own_role(self, client, municipality, coordinator):
        MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
        client.force_login(coordinator)
        url = staff_url(municipality, f"{membership_of(coordinator).pk}/role/")
        assert "You cannot change your own role" in client.get(url).text
        response = client.post(url, {"role": STAFF})
        assert response.status_code == 200
        assert "You cannot change your own role" in response.text
        assert membership_of(coordinator).role == COORDINATOR

    def test_the_last_coordinator_is_not_demoted_by_an_administrator(
        self, client, municipality, coordinator, administrator
    ):
        client.force_login(administrator)
        url = staff_url(municipality, f"{membership_of(coordinator).pk}/role/")
        response = client.post(url, {"role": STAFF})
        assert "is the only coordinator" in response.text
        assert membership_of(coordinator).role == COORDINATOR


class TestRemovePage:
    def test_removal_asks_first_then_removes(
        self, client, municipality, coordinator, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(coordinator)
        url = staff_url(municipality, f"{membership_of(staff).pk}/remove/")
        page = client.get(url)
        assert page.status_code == 200 and f"Remove {staff.get_full_name()}" in page.text
        assert MunicipalityMembership.objects.filter(user=staff).exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response["Location"] == staff_url(municipality)
        assert not MunicipalityMembership.objects.filter(user=staff).exists()
        assert mail.outbox[-1].to == [staff.email]

    def test_the_last_coordinator_cannot_remove_themselves(self, client, municipality, coordinator):
        client.force_login(coordinator)
        url = staff_url(municipality, f"{membership_of(coordinator).pk}/remove/")
        response = client.post(url)
        assert response.status_code == 200
        assert "Error:" in response.text and "is the only coordinator" in response.text
        assert MunicipalityMembership.objects.filter(user=coordinator).exists()

    def test_a_coordinator_who_leaves_goes_to_my_work(self, client, municipality, coordinator):
        MunicipalityMembershipFactory(municipality=municipality, role=COORDINATOR)
        client.force_login(coordinator)
        url = staff_url(municipality, f"{membership_of(coordinator).pk}/remove/")
        assert client.post(url)["Location"] == "/en/my-work/"


def invitation_link(client, municipality, coordinator, capture, *, email, role=STAFF):
    client.force_login(coordinator)
    with capture(execute=True):
        client.post(staff_url(municipality, "invite/"), {"email": email, "role": role})
    client.logout()
    return re.search(r"http://testserver(/\S+/staff-invitations/\S+/)", mail.outbox[-1].body)[1]


class TestInvitationPage:
    def test_a_person_with_an_account_accepts_while_signed_in(
        self, client, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        invitee = UserFactory(email="jauna@example.org", language="en")
        link = invitation_link(
            client,
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="jauna@example.org",
            role=COORDINATOR,
        )
        assert "Sign in to accept" in client.get(link).text
        assert client.post(link)["Location"].startswith("/en/accounts/login/")
        client.force_login(invitee)
        response = client.post(link)
        assert response["Location"] == "/en/my-work/"
        assert membership_of(invitee).role == COORDINATOR
        assert client.get(link).status_code == 400  # used

    def test_another_address_is_told_whom_the_invitation_is_for(
        self, client, municipality, coordinator, outsider, django_capture_on_commit_callbacks
    ):
        link = invitation_link(
            client,
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="jauna@example.org",
        )
        client.force_login(outsider)
        response = client.post(link, follow=True)
        assert "This invitation is for jauna@example.org" in response.text
        assert not MunicipalityMembership.objects.filter(user=outsider).exists()

    def test_a_person_without_an_account_signs_up_and_comes_back_to_accept(
        self, client, municipality, coordinator, django_capture_on_commit_callbacks
    ):
        link = invitation_link(
            client,
            municipality,
            coordinator,
            django_capture_on_commit_callbacks,
            email="jauna@example.org",
        )
        page = client.get(link).text
        signup = re.search(r'href="(/en/accounts/signup/[^"]*)"', page)[1].replace("&amp;", "&")
        form = client.get(signup).text
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                signup,
                {
                    "full_name": "Jauna Kolēģe",
                    "email": "jauna@example.org",
                    "password1": "an-unusual-passphrase-26",
                    "password2": "an-unusual-passphrase-26",
                    "next": re.search(r'name="next" value="([^"]*)"', form)[1],
                },
            )
        confirmation = re.search(
            r"http://testserver(/\S+/confirm-email/\S+)", mail.outbox[-1].body
        )[1]
        page = client.get(confirmation).text
        next_value = re.search(r'name="next" value="([^"]*)"', page)[1]
        response = client.post(confirmation, {"next": next_value})
        assert response["Location"] == link
        client.post(link)
        assert MunicipalityMembership.objects.filter(
            user__email="jauna@example.org", municipality=municipality, role=STAFF
        ).exists()

    def test_a_forged_link_is_refused(self, client, db):
        assert client.get("/en/staff-invitations/forged/").status_code == 400


def test_a_coordinator_withdraws_an_invitation_from_the_staff_page(
    client, municipality, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = staff_invite(
            municipality=municipality,
            inviter=coordinator,
            email="a@example.org",
            role=MunicipalityMembership.Role.STAFF,
            language="en",
            base_url="http://testserver",
        )
    client.force_login(coordinator)
    page = client.get(f"/en/municipalities/{municipality.slug}/staff/").text
    action = f"/en/municipalities/{municipality.slug}/staff/invitations/{invitation.pk}/withdraw/"
    assert action in page
    response = client.post(action, follow=True)
    assert "The invitation to a@example.org is withdrawn" in response.text
    assert action not in response.text
    assert client.post(action, follow=True).status_code == 200  # said, not a 500
