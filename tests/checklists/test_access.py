"""Every roadmap view for every role: owners work, readers read, everybody else sees nothing."""

import pytest

from checklists.services import roadmap_share
from orgs.models import MunicipalityMembership
from tests.factories import MunicipalityMembershipFactory, UserFactory

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
                path, {"version": 0, "text": "x", "municipality": municipality.pk}
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
                path, {"version": 0, "text": "x", "municipality": municipality.pk}
            ).status_code
            == 403
        ), path
    assert community_roadmap.answers.get(checkpoint__code="1.1").version == 0


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
