"""My work (/my-work/): every app's panel on one page, in a fixed order."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from checklists.models import Roadmap
from checklists.services import roadmap_share, roadmap_start, template_publish
from orgs.models import MunicipalityMembership, Organization, OrganizationClaim
from orgs.sides import Side
from tests.factories import (
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

URL = "/en/my-work/"


@pytest.fixture
def template(db):
    return template_publish()


def test_it_keeps_its_address_under_a_project_level_name(db):
    with translation.override("en"):
        assert reverse("my_work") == URL


def test_it_needs_a_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_it_refuses_post(client, staff):
    client.force_login(staff)
    assert client.post(URL).status_code == 405


def test_municipal_staff_are_never_told_to_register_an_organization(client, staff, coordinator):
    for user in (staff, coordinator):
        client.force_login(user)
        page = client.get(URL).text
        assert "Register your organization" not in page
        assert "You do not represent an organization yet" not in page


def test_administrators_are_not_told_to_register_an_organization(client, administrator):
    client.force_login(administrator)
    assert "Register your organization" not in client.get(URL).text


def test_it_lists_my_roadmaps_in_progress_and_completed(
    client, template, municipality, staff, organization, representative
):
    ours = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Bērnu dienas centrs", actor=staff
    )
    done = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Jauniešu telpa", actor=staff
    )
    Roadmap.objects.filter(pk=done.pk).update(status=Roadmap.Status.COMPLETED)
    theirs = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )

    client.force_login(staff)
    page = client.get(URL).text
    assert "My roadmaps" in page
    assert f'href="{ours.get_absolute_url()}"' in page
    assert f'href="{done.get_absolute_url()}"' in page
    assert page.index("In progress") < page.index("Bērnu dienas centrs")
    assert page.index("Completed") < page.index("Jauniešu telpa")
    assert "Atelpas brīži" not in page  # not shared with the municipality

    client.force_login(representative)
    page = client.get(URL).text
    assert f'href="{theirs.get_absolute_url()}"' in page
    assert "Bērnu dienas centrs" not in page


def test_a_coordinator_sees_the_roadmaps_shared_with_the_municipality(
    client, template, municipality, coordinator, organization, representative
):
    roadmap = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )
    roadmap_share(roadmap=roadmap, municipality=municipality, actor=representative)
    client.force_login(coordinator)
    page = client.get(URL).text
    assert "Shared with my municipality" in page
    assert f'href="{roadmap.get_absolute_url()}"' in page


def test_it_shows_the_moderation_queue_to_staff(client, municipality, staff):
    pending = OrganizationFactory(
        name="Jauna biedrība", home_municipality=municipality, status=Organization.Status.PENDING
    )
    claimed = OrganizationFactory(name="Vecā biedrība", home_municipality=municipality)
    OrganizationClaim.objects.create(organization=claimed, user=UserFactory(), message="Es.")
    client.force_login(staff)
    page = client.get(URL).text
    assert "Waiting in my queue" in page
    assert f'href="{reverse("orgs:moderate", args=[pending.pk])}"' in page
    assert "A claim for Vecā biedrība" in page
    assert f'href="{reverse("orgs:moderation")}"' in page


def test_what_is_due_comes_first(client, template, organization, representative):
    Organization.objects.filter(pk=organization.pk).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=400)
    )
    roadmap = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )
    Roadmap.objects.filter(pk=roadmap.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=45)
    )
    client.force_login(representative)
    page = client.get(URL).text
    due = page.index("What is due")
    assert due < page.index("My roadmaps")
    assert due < page.index("Confirm that Biedrība „Brīnumiņš” is still correct")
    assert page.index("Atelpas brīži has not changed for 45 days") < page.index("My roadmaps")


def test_a_person_with_no_role_gets_next_steps(client, outsider):
    client.force_login(outsider)
    page = client.get(URL).text
    assert f'href="{reverse("orgs:register")}"' in page
    assert f'href="{reverse("orgs:directory")}"' in page
    assert "What is due" not in page


def test_staff_with_no_roadmap_are_offered_to_start_one(client, template, staff):
    client.force_login(staff)
    page = client.get(URL).text
    assert f'href="{reverse("checklists:new")}"' in page
    assert "Nothing is waiting for you." in page


def test_its_number_of_queries_does_not_grow_with_the_items(
    client, template, municipality, coordinator
):
    organization = OrganizationFactory(home_municipality=municipality)
    MunicipalityMembership.objects.filter(user=coordinator).update(
        role=MunicipalityMembership.Role.COORDINATOR
    )

    def add_items(n):
        for i in range(n):
            OrganizationMembershipFactory(
                user=coordinator, organization__home_municipality=municipality
            )
            roadmap_start(
                form=Side.MUNICIPALITY, owner=municipality, title=f"R{i}", actor=coordinator
            )
            shared = roadmap_start(
                form=Side.COMMUNITY, owner=organization, title=f"S{i}", actor=coordinator
            )
            roadmap_share(roadmap=shared, municipality=municipality, actor=coordinator)
            OrganizationFactory(home_municipality=municipality, status=Organization.Status.PENDING)
            OrganizationClaim.objects.create(
                organization=OrganizationFactory(home_municipality=municipality),
                user=UserFactory(),
            )

    client.force_login(coordinator)
    add_items(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    add_items(4)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL).text
    assert page.count("A claim for") == 5
    assert len(many) == len(few)


def test_a_coordinator_of_another_municipality_sees_none_of_this_one(
    client, template, municipality, organization, representative
):
    roadmap = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )
    roadmap_share(roadmap=roadmap, municipality=municipality, actor=representative)
    other = MunicipalityMembershipFactory(role=MunicipalityMembership.Role.COORDINATOR).user
    client.force_login(other)
    page = client.get(URL).text
    assert "Atelpas brīži" not in page
    assert organization.name not in page


def test_what_users_wrote_is_escaped(client, municipality, staff):
    OrganizationFactory(
        name="<script>alert(1)</script>",
        home_municipality=municipality,
        status=Organization.Status.PENDING,
    )
    client.force_login(staff)
    page = client.get(URL).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
