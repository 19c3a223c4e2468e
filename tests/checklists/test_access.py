"""Every roadmap view for every role: owners work, readers read, everybody else sees nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from checklists.access import (
    get_roadmap_for_answers,
    get_roadmap_for_sharing,
    get_roadmap_for_user,
    get_roadmap_owners_for_start,
    may_start_roadmap,
    roadmap_owners_for_user,
    share_readers,
)
from checklists.models import Roadmap
from checklists.services import roadmap_share
from orgs.models import MunicipalityMembership
from orgs.sides import Side
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


class TestGetRoadmapForUser:
    def test_it_answers_may_edit_in_the_same_lookup(
        self, community_roadmap, representative, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            roadmap = get_roadmap_for_user(representative, community_roadmap.pk)
            assert roadmap.may_edit is True
            assert roadmap.organization.name  # the owner comes with it

    def test_a_reader_may_not_edit_and_is_refused_a_write(
        self, community_roadmap, coordinator_reader, django_assert_num_queries
    ):
        with django_assert_num_queries(2):  # not among their own, then among the shared
            assert get_roadmap_for_user(coordinator_reader, community_roadmap.pk).may_edit is False
        with pytest.raises(PermissionDenied):
            get_roadmap_for_user(coordinator_reader, community_roadmap.pk, write=True)

    def test_an_unpublished_entrys_representative_may_read_but_not_edit(
        self, community_roadmap, organization, representative
    ):
        organization.status = "pending"
        organization.save(update_fields=["status"])
        assert get_roadmap_for_user(representative, community_roadmap.pk).may_edit is False
        with pytest.raises(PermissionDenied):
            get_roadmap_for_user(representative, community_roadmap.pk, write=True)

    def test_staff_may_edit_their_municipalitys_roadmap(self, municipal_roadmap, staff):
        assert get_roadmap_for_user(staff, municipal_roadmap.pk, write=True).may_edit is True

    def test_an_outsider_gets_404(self, community_roadmap, outsider):
        with pytest.raises(Http404):
            get_roadmap_for_user(outsider, community_roadmap.pk)


class TestGetRoadmapForAnswers:
    def test_answers_of_an_open_roadmap_may_be_changed(self, municipal_roadmap, staff):
        roadmap = get_roadmap_for_answers(staff, municipal_roadmap.pk, write=True)
        assert roadmap.may_answer is True

    def test_a_completed_roadmap_is_read_and_refuses_a_write(self, municipal_roadmap, staff):
        Roadmap.objects.filter(pk=municipal_roadmap.pk).update(status=Roadmap.Status.COMPLETED)
        roadmap = get_roadmap_for_answers(staff, municipal_roadmap.pk)
        assert (roadmap.may_edit, roadmap.may_answer) == (True, False)
        with pytest.raises(PermissionDenied):
            get_roadmap_for_answers(staff, municipal_roadmap.pk, write=True)

    def test_a_reader_may_not_answer(self, community_roadmap, coordinator_reader):
        assert get_roadmap_for_answers(coordinator_reader, community_roadmap.pk).may_answer is False


class TestGetRoadmapForSharing:
    def test_the_owner_shares_an_organizations_roadmap(self, community_roadmap, representative):
        assert get_roadmap_for_sharing(representative, community_roadmap.pk) == community_roadmap

    def test_a_municipalitys_roadmap_is_not_shared(self, municipal_roadmap, staff):
        with pytest.raises(Http404):
            get_roadmap_for_sharing(staff, municipal_roadmap.pk)

    def test_a_reader_gets_403(self, community_roadmap, coordinator_reader):
        with pytest.raises(PermissionDenied):
            get_roadmap_for_sharing(coordinator_reader, community_roadmap.pk)


class TestWhomOneMayStartARoadmapFor:
    def test_staff_for_their_municipality_representatives_for_their_published_entry(
        self, municipality, organization, staff, representative
    ):
        pending = OrganizationFactory(status="pending")
        OrganizationMembershipFactory(organization=pending, user=representative)
        assert roadmap_owners_for_user(staff) == [(Side.MUNICIPALITY, municipality)]
        assert roadmap_owners_for_user(representative) == [(Side.COMMUNITY, organization)]
        assert get_roadmap_owners_for_start(staff) == [(Side.MUNICIPALITY, municipality)]
        assert may_start_roadmap(staff) and may_start_roadmap(representative)

    def test_nobody_else(self, organization, representative, outsider):
        organization.status = "pending"
        organization.save(update_fields=["status"])
        for user in (representative, outsider, AnonymousUser()):
            assert roadmap_owners_for_user(user) == []
            assert not may_start_roadmap(user)
            with pytest.raises(PermissionDenied):
                get_roadmap_owners_for_start(user)


def test_share_readers_are_the_active_coordinators(municipality, staff, coordinator):
    MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__is_active=False,
    )
    MunicipalityMembershipFactory(role=MunicipalityMembership.Role.COORDINATOR)  # elsewhere
    assert list(share_readers(municipality)) == [coordinator]
