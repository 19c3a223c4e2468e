import pytest

from checklists.models import Answer, Roadmap, RoadmapEvent
from orgs.models import MunicipalityMembership, NeedKind, TargetGroup
from orgs.services import organization_reindex
from roadmap_portal.lib.history import content_hash
from tests.factories import (
    DepartmentFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def answer_data(answer, **overrides):
    data = {"version": answer.version, "text": "Bērni ar invaliditāti.", "status": "completed"}
    return data | overrides


def url(roadmap, code=None, action=None):
    base = f"/en/roadmaps/{roadmap.pk}/"
    if code:
        base += f"{code}/"
    if action:
        base += f"{action}/"
    return base


class TestStart:
    def test_staff_start_the_municipality_form(self, client, template, staff, municipality):
        client.force_login(staff)
        assert client.get("/en/roadmaps/new/").status_code == 200
        response = client.post(
            "/en/roadmaps/new/", {"owner": f"m{municipality.pk}", "title": "Dienas centrs"}
        )
        roadmap = Roadmap.objects.get()
        assert response["Location"] == f"/en/roadmaps/{roadmap.pk}/"
        assert roadmap.form == "municipality"
        assert roadmap.answers.count() == 11
        assert roadmap.events.get().kind == RoadmapEvent.Kind.STARTED

    def test_representatives_start_the_community_form_several_times(
        self, client, template, representative, organization
    ):
        client.force_login(representative)
        for title in ("Pirmā", "Otrā"):
            client.post("/en/roadmaps/new/", {"owner": f"o{organization.pk}", "title": title})
        assert Roadmap.objects.filter(organization=organization, form="community").count() == 2
        assert Roadmap.objects.first().answers.count() == 13

    def test_nobody_starts_one_for_an_owner_they_do_not_belong_to(
        self, client, template, staff, organization
    ):
        client.force_login(staff)
        response = client.post("/en/roadmaps/new/", {"owner": f"o{organization.pk}", "title": "X"})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert not Roadmap.objects.exists()

    def test_a_user_with_no_membership_gets_403(self, client, template, outsider):
        client.force_login(outsider)
        assert client.get("/en/roadmaps/new/").status_code == 403


class TestTaskList:
    def test_it_shows_three_steps_statuses_and_progress(self, client, staff, municipal_roadmap):
        client.force_login(staff)
        response = client.get(url(municipal_roadmap))
        assert response.status_code == 200
        assert response.text.count('class="task-list-item') == 11
        assert "0 of 4 checkpoints done" in response.text
        assert "Not started" in response.text

    @pytest.mark.parametrize("who", ["outsider", "administrator", "other_staff", "representative"])
    def test_others_get_404(
        self, client, municipal_roadmap, who, outsider, administrator, representative
    ):
        user = {
            "outsider": outsider,
            "administrator": administrator,
            "representative": representative,
            "other_staff": MunicipalityMembershipFactory().user,
        }[who]
        client.force_login(user)
        for path in [
            url(municipal_roadmap),
            url(municipal_roadmap, "1.1"),
            url(municipal_roadmap, action="check"),
        ]:
            assert client.get(path).status_code == 404


class TestCheckpoint:
    def test_save_and_continue_goes_to_the_next_checkpoint(self, client, staff, municipal_roadmap):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        response = client.post(
            url(municipal_roadmap, "1.2"), answer_data(answer, save_and_continue="1")
        )
        assert response["Location"] == url(municipal_roadmap, "1.3")
        answer.refresh_from_db()
        assert answer.status == Answer.Status.COMPLETED
        assert answer.version == 2
        assert answer.revisions.count() == 1

    def test_the_structured_answers_are_kept(self, client, staff, municipal_roadmap, municipality):
        client.force_login(staff)
        youth = TargetGroup.objects.get(slug="youth")
        a11 = municipal_roadmap.answers.get(checkpoint__code="1.1")
        client.post(url(municipal_roadmap, "1.1"), answer_data(a11, target_groups=[youth.pk]))
        a11.refresh_from_db()
        assert list(a11.target_groups.all()) == [youth]

        a13 = municipal_roadmap.answers.get(checkpoint__code="1.3")
        client.post(
            url(municipal_roadmap, "1.3"), answer_data(a13, text="", need_funding="Līdzfinansējums")
        )
        a13.refresh_from_db()
        assert a13.needs == {"funding": "Līdzfinansējums"}
        assert NeedKind.objects.filter(slug="funding").exists()

    def test_it_suggests_local_organizations_working_with_the_same_group(
        self, client, staff, municipal_roadmap, municipality
    ):
        youth = TargetGroup.objects.get(slug="youth")
        a11 = municipal_roadmap.answers.get(checkpoint__code="1.1")
        a11.target_groups.add(youth)
        near = OrganizationFactory(name="Jauniešu klubs", home_municipality=municipality)
        near.target_groups.add(youth)
        organization_reindex(organization=near)
        OrganizationFactory(name="Cits novads")  # elsewhere: not suggested
        client.force_login(staff)
        page = client.get(url(municipal_roadmap, "1.4"))
        assert "Jauniešu klubs" in page.text
        assert "Cits novads" not in page.text
        a14 = municipal_roadmap.answers.get(checkpoint__code="1.4")
        client.post(url(municipal_roadmap, "1.4"), answer_data(a14, organizations=[near.pk]))
        assert list(a14.organizations.all()) == [near]

    def test_the_community_form_chooses_a_department(
        self, client, representative, community_roadmap, municipality
    ):
        department = DepartmentFactory(municipality=municipality, name="Sociālais dienests")
        client.force_login(representative)
        answer = community_roadmap.answers.get(checkpoint__code="2.2")
        client.post(
            url(community_roadmap, "2.2"), answer_data(answer, text="", department=department.pk)
        )
        answer.refresh_from_db()
        assert answer.department == department

    def test_not_applicable_needs_a_reason_and_completed_needs_an_answer(
        self, client, staff, municipal_roadmap
    ):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        response = client.post(
            url(municipal_roadmap, "1.2"), answer_data(answer, status="not_applicable")
        )
        assert "Say why this checkpoint does not apply to you" in response.text
        response = client.post(url(municipal_roadmap, "1.2"), answer_data(answer, text=" "))
        assert "Write your answer, or say that it does not apply" in response.text
        response = client.post(url(municipal_roadmap, "1.2"), answer_data(answer, status=""))
        assert "<title>Error:" in response.text
        answer.refresh_from_db()
        assert answer.version == 1

    def test_the_second_of_two_editors_sees_both_texts_and_nothing_is_lost(
        self, client, staff, municipal_roadmap, municipality
    ):
        colleague = MunicipalityMembershipFactory(municipality=municipality).user
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        client.force_login(staff)
        client.post(url(municipal_roadmap, "1.2"), answer_data(answer, text="Mans teksts"))
        client.force_login(colleague)
        response = client.post(
            url(municipal_roadmap, "1.2"), answer_data(answer, text="Kolēģa teksts")
        )
        assert response.status_code == 200
        assert "Someone else saved this answer while you were writing" in response.text
        assert "Mans teksts" in response.text and "Kolēģa teksts" in response.text
        assert 'name="version" id="id_version" value="2"' in response.text
        answer.refresh_from_db()
        assert answer.text == "Mans teksts"

    def test_a_coordinator_reading_a_shared_roadmap_cannot_write(
        self, client, community_roadmap, municipality, representative
    ):
        coordinator = MunicipalityMembershipFactory(
            municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
        ).user
        client.force_login(representative)
        client.post(url(community_roadmap, action="share"), {"municipality": municipality.pk})
        client.force_login(coordinator)
        assert client.get(url(community_roadmap)).status_code == 200
        assert client.get(url(community_roadmap, "1.1")).status_code == 200
        answer = community_roadmap.answers.get(checkpoint__code="1.1")
        assert client.post(url(community_roadmap, "1.1"), answer_data(answer)).status_code == 403
        assert (
            client.post(
                url(community_roadmap, "1.1", "autosave"), {"version": 1, "text": "x"}
            ).status_code
            == 403
        )
        plain_staff = MunicipalityMembershipFactory(municipality=municipality).user
        client.force_login(plain_staff)
        assert client.get(url(community_roadmap)).status_code == 404

        client.force_login(representative)
        client.post(f"/en/roadmaps/{community_roadmap.pk}/share/{municipality.pk}/stop/")
        client.force_login(coordinator)
        assert client.get(url(community_roadmap)).status_code == 404
        kinds = list(community_roadmap.events.values_list("kind", flat=True))
        assert kinds[:2] == ["unshared", "shared"]


class TestAutosave:
    def test_it_saves_the_text_and_one_session_makes_one_history_entry(
        self, client, staff, municipal_roadmap
    ):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        for version, text in enumerate(["B", "Bē", "Bērni"], start=1):
            response = client.post(
                url(municipal_roadmap, "1.2", "autosave"), {"version": version, "text": text}
            )
            assert response.status_code == 200
            assert "Saved at" in response.text
            assert f'value="{version + 1}"' in response.text
        answer.refresh_from_db()
        assert answer.text == "Bērni"
        assert answer.status == Answer.Status.IN_PROGRESS
        assert answer.revisions.count() == 1
        client.post(url(municipal_roadmap, "1.2"), answer_data(answer, text="Bērni un jaunieši"))
        assert answer.revisions.count() == 2

    def test_each_revision_is_frozen_with_the_hash_of_its_content_autosaves_too(
        self, client, staff, municipal_roadmap
    ):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        for version, text in enumerate(["B", "Bē"], start=1):
            client.post(
                url(municipal_roadmap, "1.2", "autosave"), {"version": version, "text": text}
            )
        client.post(url(municipal_roadmap, "1.2"), answer_data(answer, version=3, text="Bērni"))
        revisions = list(answer.revisions.all())
        assert [r.content["text"] for r in revisions] == ["Bērni", "Bē"]
        assert all(r.is_intact and r.content_hash == content_hash(r.content) for r in revisions)

    def test_a_stale_autosave_is_refused_with_409(self, client, staff, municipal_roadmap):
        client.force_login(staff)
        client.post(url(municipal_roadmap, "1.2", "autosave"), {"version": 1, "text": "Pirmais"})
        response = client.post(
            url(municipal_roadmap, "1.2", "autosave"), {"version": 1, "text": "Otrais"}
        )
        assert response.status_code == 409
        assert municipal_roadmap.answers.get(checkpoint__code="1.2").text == "Pirmais"

    def test_ones_own_autosave_in_flight_is_not_a_conflict_for_the_save_button(
        self, client, staff, municipal_roadmap
    ):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        loaded = answer.version  # the page's version when Save was clicked
        response = client.post(
            url(municipal_roadmap, "1.2", "autosave"), {"version": loaded, "text": "Bērni"}
        )
        assert response.status_code == 200
        response = client.post(
            url(municipal_roadmap, "1.2"),
            answer_data(answer, version=loaded, text="Bērni un jaunieši", status="completed"),
        )
        assert response.status_code == 302
        answer.refresh_from_db()
        assert answer.text == "Bērni un jaunieši"
        assert answer.status == Answer.Status.COMPLETED
        assert answer.version == loaded + 2

    def test_a_colleagues_autosave_since_the_page_loaded_is_still_a_conflict(
        self, client, staff, municipal_roadmap, municipality
    ):
        colleague = MunicipalityMembershipFactory(municipality=municipality).user
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        loaded = answer.version
        client.force_login(colleague)
        client.post(
            url(municipal_roadmap, "1.2", "autosave"), {"version": loaded, "text": "Kolēģa"}
        )
        client.force_login(staff)
        response = client.post(
            url(municipal_roadmap, "1.2"),
            answer_data(answer, version=loaded, text="Mans", status="completed"),
        )
        assert response.status_code == 200
        assert "Someone else saved this answer while you were writing" in response.text
        answer.refresh_from_db()
        assert answer.text == "Kolēģa" and answer.status == Answer.Status.IN_PROGRESS

    def test_ones_own_autosave_after_ones_own_autosave_from_then_is_a_conflict(
        self, client, staff, municipal_roadmap
    ):
        # A page sends one autosave at a time and takes the new version from its answer:
        # an autosave at an older version comes from another page, which must not win.
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        loaded = answer.version
        client.post(url(municipal_roadmap, "1.2", "autosave"), {"version": loaded, "text": "A"})
        response = client.post(
            url(municipal_roadmap, "1.2", "autosave"), {"version": loaded, "text": "B"}
        )
        assert response.status_code == 409

    def test_ones_own_explicit_save_since_is_a_conflict_for_the_save_button(
        self, client, staff, municipal_roadmap
    ):
        # Two pages of the same answer: the later Save shows both texts.
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        loaded = answer.version
        client.post(url(municipal_roadmap, "1.2"), answer_data(answer, text="Pirmā lapa"))
        response = client.post(
            url(municipal_roadmap, "1.2"), answer_data(answer, version=loaded, text="Otrā lapa")
        )
        assert response.status_code == 200
        assert "You saved this answer on another page while you were writing here" in (
            response.text
        )
        assert "Pirmā lapa" in response.text and "Otrā lapa" in response.text
        answer.refresh_from_db()
        assert answer.text == "Pirmā lapa"

    def test_bad_input_and_wrong_method(self, client, staff, municipal_roadmap):
        client.force_login(staff)
        assert (
            client.post(url(municipal_roadmap, "1.2", "autosave"), {"version": "x"}).status_code
            == 400
        )
        assert client.get(url(municipal_roadmap, "1.2", "autosave")).status_code == 405


class TestCompletion:
    def test_it_completes_only_when_every_checkpoint_is_done_and_reopening_is_recorded(
        self, client, staff, municipal_roadmap
    ):
        client.force_login(staff)
        response = client.post(url(municipal_roadmap, action="check"))
        assert "Complete these checkpoints" in response.text
        municipal_roadmap.refresh_from_db()
        assert not municipal_roadmap.is_completed
        municipal_roadmap.answers.update(status=Answer.Status.COMPLETED)
        municipal_roadmap.answers.filter(checkpoint__code="2.3").update(
            status=Answer.Status.NOT_APPLICABLE, not_applicable_reason="Nav padomes."
        )
        client.post(url(municipal_roadmap, action="check"))
        municipal_roadmap.refresh_from_db()
        assert municipal_roadmap.is_completed
        page = client.get(url(municipal_roadmap, action="check"))
        assert "Nav padomes." in page.text
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        assert client.post(url(municipal_roadmap, "1.2"), answer_data(answer)).status_code == 403
        client.post(url(municipal_roadmap, action="reopen"))
        municipal_roadmap.refresh_from_db()
        assert not municipal_roadmap.is_completed
        assert municipal_roadmap.events.first().kind == RoadmapEvent.Kind.REOPENED

    def test_reopen_and_share_refuse_get_and_outsiders(self, client, staff, municipal_roadmap):
        client.force_login(staff)
        assert client.get(url(municipal_roadmap, action="reopen")).status_code == 405
        assert (
            client.get(url(municipal_roadmap, action="share")).status_code == 404
        )  # not a community form
        client.force_login(UserFactory())
        assert client.post(url(municipal_roadmap, action="reopen")).status_code == 404
