"""actionplans:new_from_roadmap: a completed roadmap, what it carries over, the button."""

import pytest

from actionplans.models import Member, Partnership
from checklists.services import roadmap_share
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory, OrganizationFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def url(roadmap):
    return f"/en/partnerships/from-roadmap/{roadmap.pk}/"


def test_staff_see_what_a_municipal_roadmap_carries_over_then_start(
    client, staff, municipality, municipal_roadmap
):
    helper = OrganizationFactory(name="Biedrība „Palīgs”")
    municipal_roadmap.answers.get(checkpoint__code="2.1").organizations.set([helper])
    complete(municipal_roadmap)
    client.force_login(staff)
    page = client.get(url(municipal_roadmap)).content.decode()
    assert "Biedrība „Palīgs”" in page
    assert "Start the partnership" in page
    response = client.post(url(municipal_roadmap))
    partnership = Partnership.objects.get()
    assert response["Location"] == partnership.get_absolute_url()
    assert (partnership.roadmap, partnership.municipality, partnership.title) == (
        municipal_roadmap,
        municipality,
        municipal_roadmap.title,
    )
    assert partnership.members.filter(role=Member.Role.IMPLEMENTING, organization=helper).exists()


def test_a_representative_starts_one_for_the_entrys_home_municipality_leading_and_signing(
    client, representative, organization, municipality, community_roadmap
):
    complete(community_roadmap)
    client.force_login(representative)
    client.post(url(community_roadmap))
    partnership = Partnership.objects.get()
    assert partnership.municipality == municipality
    roles = set(
        partnership.members.filter(organization=organization).values_list("role", flat=True)
    )
    assert roles == {Member.Role.LEAD_ORGANIZATION, Member.Role.SIGNATORY}


def test_a_coordinator_it_is_shared_with_starts_one_for_their_municipality(
    client, community_roadmap, representative
):
    other = MunicipalityFactory(name="Ventspils")
    coordinator = MunicipalityMembershipFactory(municipality=other, role="coordinator").user
    roadmap_share(roadmap=community_roadmap, municipality=other, actor=representative)
    complete(community_roadmap)
    client.force_login(coordinator)
    assert client.get(url(community_roadmap)).status_code == 200
    client.post(url(community_roadmap))
    assert Partnership.objects.get().municipality == other


def test_a_roadmap_in_progress_is_403_with_the_reason(client, staff, municipal_roadmap):
    client.force_login(staff)
    for response in (client.get(url(municipal_roadmap)), client.post(url(municipal_roadmap))):
        assert response.status_code == 403
        assert "not completed yet" in response.content.decode()
    assert not Partnership.objects.exists()


def test_an_unpublished_entrys_roadmap_is_403_with_the_reason(
    client, representative, organization, community_roadmap
):
    complete(community_roadmap)
    type(organization).objects.filter(pk=organization.pk).update(status="pending")
    client.force_login(representative)
    response = client.post(url(community_roadmap))
    assert response.status_code == 403
    assert "not published yet" in response.content.decode()
    assert not Partnership.objects.exists()


def test_someone_who_cannot_read_the_roadmap_gets_404(
    client, outsider, coordinator, community_roadmap
):
    complete(community_roadmap)
    for user in (outsider, coordinator):  # the coordinator: not shared with them
        client.force_login(user)
        assert client.get(url(community_roadmap)).status_code == 404
        assert client.post(url(community_roadmap)).status_code == 404
    assert client.get("/en/partnerships/from-roadmap/999999/").status_code == 404


def test_the_page_takes_only_get_and_post(client, staff, municipal_roadmap):
    client.force_login(staff)
    assert client.delete(url(complete(municipal_roadmap))).status_code == 405


def test_the_completed_roadmaps_page_links_here(client, staff, municipal_roadmap):
    client.force_login(staff)
    link = f'href="{url(municipal_roadmap)}"'
    assert link not in client.get(municipal_roadmap.get_absolute_url()).content.decode()
    complete(municipal_roadmap)
    assert link in client.get(municipal_roadmap.get_absolute_url()).content.decode()


def test_partnerships_already_started_from_the_roadmap_are_shown_before_another(
    client, staff, municipal_roadmap
):
    complete(municipal_roadmap)
    client.force_login(staff)
    assert "already started" not in client.get(url(municipal_roadmap)).content.decode()
    client.post(url(municipal_roadmap))
    page = client.get(url(municipal_roadmap)).content.decode()
    assert "already started" in page
    assert Partnership.objects.get().get_absolute_url().replace("/lv/", "/en/") in page
