"""Every roadmap view for every role: owners work, readers read, everybody else sees nothing."""

import pytest

from checklists.services import roadmap_share
from orgs.models import MunicipalityMembership
from tests.factories import (
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

READ = ["", "1.1/", "1.1/history/", "check/", "roadmap.pdf"]
WRITE = ["1.1/", "1.1/autosave/", "check/", "reopen/", "share/", "share/{m}/stop/"]


@pytest.fixture
def coordinator_reader(community_roadmap, municipality, representative):
    roadmap_share(roadmap=community_roadmap, municipality=municipality, actor=representative)
    return MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user


def paths(roadmap, municipality, suffixes):
    return [f"/en/roadmaps/{roadmap.pk}/" + s.format(m=municipality.pk) for s in suffixes]


@pytest.mark.parametrize(
    "who", ["outsider", "administrator", "staff_of_the_municipality", "other_representative"]
)
def test_outsiders_get_404_everywhere(
    client, community_roadmap, municipality, who, staff, administrator
):
    user = {
        "outsider": UserFactory(),
        "administrator": administrator,
        # Staff who are not coordinators do not read shared roadmaps, and this one is not shared.
        "staff_of_the_municipality": staff,
        "other_representative": UserFactory(),
    }[who]
    client.force_login(user)
    for path in paths(community_roadmap, municipality, READ):
        assert client.get(path).status_code == 404, path
    for path in paths(community_roadmap, municipality, WRITE):
        assert (
            client.post(
                path, {"version": 1, "text": "x", "municipality": municipality.pk}
            ).status_code
            == 404
        ), path


def test_a_coordinator_reads_a_shared_roadmap_and_gets_403_on_every_write(
    client, community_roadmap, municipality, coordinator_reader
):
    client.force_login(coordinator_reader)
    for path in paths(community_roadmap, municipality, READ):
        assert client.get(path).status_code == 200, path
    for path in paths(community_roadmap, municipality, WRITE):
        assert (
            client.post(
                path, {"version": 1, "text": "x", "municipality": municipality.pk}
            ).status_code
            == 403
        ), path
    assert community_roadmap.answers.get(checkpoint__code="1.1").version == 1


def test_the_owner_reads_every_page(client, community_roadmap, municipality, representative):
    client.force_login(representative)
    for path in paths(community_roadmap, municipality, [*READ, "share/"]):
        assert client.get(path).status_code == 200, path


def test_signing_in_is_required(client, community_roadmap, municipality):
    for path in [
        "/en/roadmaps/",
        "/en/roadmaps/new/",
        *paths(community_roadmap, municipality, READ),
    ]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


@pytest.mark.parametrize("status", ["pending", "rejected", "archived"])
def test_a_representative_of_an_unpublished_entry_cannot_start_a_roadmap(
    client, template, organization, representative, status
):
    organization.status = status
    organization.save(update_fields=["status"])
    client.force_login(representative)
    assert client.get("/en/roadmaps/new/").status_code == 403
    response = client.post("/en/roadmaps/new/", {"owner": f"o{organization.pk}", "title": "X"})
    assert response.status_code == 403
    assert not organization.roadmaps.exists()
    page = client.get("/en/roadmaps/")
    assert "Start a roadmap" not in page.text
    assert "is not published yet" in page.text


def test_a_representative_of_a_pending_entry_is_told_why_they_cannot_start_a_roadmap(
    client, template, organization, representative
):
    organization.name = "Biedrība <b>„Brīnumiņš”</b>"
    organization.status = "pending"
    organization.save(update_fields=["name", "status"])
    client.force_login(representative)
    for response in [
        client.get("/en/roadmaps/new/"),
        client.post("/en/roadmaps/new/", {"owner": f"o{organization.pk}", "title": "X"}),
    ]:
        assert response.status_code == 403
        assert "You cannot do this" in response.text
        # The name is text: escaped, never markup.
        assert (
            "The entry of Biedrība &lt;b&gt;„Brīnumiņš”&lt;/b&gt; is not published yet. Its"
            " roadmaps can be started and changed once the municipality has published it;"
        ) in response.text
        assert "<b>" not in response.text
        assert "does not have the role this page needs" not in response.text


def test_someone_with_no_role_gets_the_general_403_text(client, template, outsider):
    client.force_login(outsider)
    response = client.get("/en/roadmaps/new/")
    assert response.status_code == 403
    assert "Your account does not have the role this page needs." in response.text
    assert "is not published yet" not in response.text


def test_the_new_roadmap_form_offers_only_published_entries(
    client, template, organization, representative
):
    pending = OrganizationFactory(name="Gaidošā biedrība", status="pending")
    OrganizationMembershipFactory(organization=pending, user=representative)
    client.force_login(representative)
    page = client.get("/en/roadmaps/new/")
    assert organization.name in page.text and "Gaidošā biedrība" not in page.text
    response = client.post("/en/roadmaps/new/", {"owner": f"o{pending.pk}", "title": "X"})
    assert "There is a problem" in response.text
    assert not pending.roadmaps.exists()


def test_roadmaps_started_before_are_read_only_until_the_entry_is_published(
    client, community_roadmap, organization, representative, municipality
):
    organization.status = "pending"
    organization.save(update_fields=["status"])
    client.force_login(representative)
    for path in paths(community_roadmap, municipality, READ):
        assert client.get(path).status_code == 200, path
    assert (
        "changed once the municipality has published it"
        in client.get(f"/en/roadmaps/{community_roadmap.pk}/").text
    )
    for path in paths(community_roadmap, municipality, WRITE):
        response = client.post(path, {"version": 1, "text": "x", "municipality": municipality.pk})
        assert response.status_code == 403, path
    assert community_roadmap.answers.get(checkpoint__code="1.1").version == 1
    assert 'name="text"' not in client.get(f"/en/roadmaps/{community_roadmap.pk}/1.2/").text

    organization.status = "published"
    organization.save(update_fields=["status"])
    response = client.post(
        f"/en/roadmaps/{community_roadmap.pk}/1.2/autosave/", {"version": 1, "text": "Nu var"}
    )
    assert response.status_code == 200
