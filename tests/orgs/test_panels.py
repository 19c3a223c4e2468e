"""The directory's panels on My work (orgs/panels.py)."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from orgs.models import Organization, OrganizationClaim, OrganizationMove
from orgs.panels import moderation_queue, my_organizations
from tests.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)


def request_of(user):
    request = RequestFactory().get("/en/my-work/")
    request.user = user
    return request


class TestMyOrganizations:
    def test_it_lists_the_entries_i_represent(self, organization, representative):
        other = OrganizationMembershipFactory(user=representative).organization
        OrganizationFactory(name="Not mine")
        panel = my_organizations(request_of(representative))
        assert panel.template == "orgs/panels/my_organizations.html"
        assert {o.pk for o in panel.context["organizations"]} == {organization.pk, other.pk}
        assert list(panel.due) == []

    def test_an_entry_unconfirmed_for_a_year_is_due_with_its_confirmation_link(
        self, client, organization, representative
    ):
        Organization.objects.filter(pk=organization.pk).update(
            last_confirmed_at=timezone.now() - datetime.timedelta(days=400)
        )
        with translation.override("en"):
            (due,) = my_organizations(request_of(representative)).due
        assert due.text == f"Confirm that {organization.name} is still correct"
        assert client.get(due.url).status_code == 200  # the still-correct page
        assert due.url.startswith("/en/organizations/still-correct/")

    def test_a_rejected_entry_is_due_to_be_corrected(self, organization, representative):
        Organization.objects.filter(pk=organization.pk).update(
            status=Organization.Status.REJECTED, rejection_reason="Trūkst apraksta."
        )
        (due,) = my_organizations(request_of(representative)).due
        assert due.url == reverse("orgs:edit", args=[organization.slug])

    def test_someone_with_no_role_is_shown_how_to_get_an_entry(self, outsider):
        panel = my_organizations(request_of(outsider))
        assert panel.template == "orgs/panels/no_organization.html"

    @pytest.mark.parametrize("who", ["staff", "coordinator", "administrator"])
    def test_staff_and_administrators_with_no_entry_get_no_panel(self, request, who):
        assert my_organizations(request_of(request.getfixturevalue(who))) is None


class TestModerationQueue:
    @pytest.mark.parametrize("who", ["outsider", "representative"])
    def test_those_who_do_not_moderate_get_no_panel(self, request, who):
        assert moderation_queue(request_of(request.getfixturevalue(who))) is None

    def test_staff_see_their_municipalitys_entries_claims_and_moves(self, municipality, staff):
        pending = OrganizationFactory(
            home_municipality=municipality, status=Organization.Status.PENDING
        )
        OrganizationFactory(status=Organization.Status.PENDING)  # another municipality's
        claim = OrganizationClaim.objects.create(
            organization=OrganizationFactory(home_municipality=municipality), user=UserFactory()
        )
        move = OrganizationMove.objects.create(
            organization=OrganizationFactory(home_municipality=MunicipalityFactory()),
            from_municipality=MunicipalityFactory(),
            to_municipality=municipality,
            requested_by=UserFactory(),
        )
        panel = moderation_queue(request_of(staff))
        assert panel.context["entries"].items == [pending]
        assert panel.context["claims"].items == [claim]
        assert panel.context["moves"].items == [move]

    def test_an_empty_queue_is_still_a_panel(self, staff):
        panel = moderation_queue(request_of(staff))
        assert [panel.context[name].items for name in ("entries", "claims", "moves")] == [
            [],
            [],
            [],
        ]

    def test_nobody_sees_their_own_claim_in_their_queue(self, municipality, staff):
        OrganizationClaim.objects.create(
            organization=OrganizationFactory(home_municipality=municipality), user=staff
        )
        assert moderation_queue(request_of(staff)).context["claims"].items == []
