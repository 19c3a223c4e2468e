"""The roadmap page's notice of a newer version and the page that moves the roadmap to it."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from checklists import views
from checklists.models import Answer, RemovedAnswer, Roadmap, RoadmapEvent
from checklists.services import answer_save, roadmap_share, roadmap_upgrade
from orgs.models import MunicipalityMembership, NeedKind, Organization
from tests.factories import MunicipalityMembershipFactory

from .versions import version_two

pytestmark = pytest.mark.django_db

NOTICE = "A newer version of the roadmap is available"


def upgrade_url(roadmap):
    return f"/en/roadmaps/{roadmap.pk}/upgrade/"


def roadmap_url(roadmap):
    return f"/en/roadmaps/{roadmap.pk}/"


def write(roadmap, code, text, actor):
    current = roadmap.answers.get(checkpoint__code=code)
    answer_save(
        answer=current,
        values={"text": text, "status": Answer.Status.IN_PROGRESS},
        actor=actor,
        version=current.version,
    )


def confirm(roadmap, number=2):
    return {"to_version": number, "lock_version": roadmap.lock_version}


@pytest.fixture
def two(publish_version):
    return publish_version(version_two)


@pytest.fixture
def coordinator_reader(community_roadmap, municipality, representative):
    roadmap_share(roadmap=community_roadmap, municipality=municipality, actor=representative)
    return MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user


class TestNotice:
    def test_editors_are_told_of_a_newer_version(self, client, municipal_roadmap, staff, two):
        client.force_login(staff)
        page = client.get(roadmap_url(municipal_roadmap)).content.decode()
        assert NOTICE in page
        assert f'href="{upgrade_url(municipal_roadmap)}"' in page
        assert "See what changes in version 2" in page

    def test_there_is_no_notice_on_the_newest_version(self, client, municipal_roadmap, staff):
        client.force_login(staff)
        assert NOTICE not in client.get(roadmap_url(municipal_roadmap)).content.decode()

    def test_a_reader_is_not_told(self, client, community_roadmap, coordinator_reader, two):
        client.force_login(coordinator_reader)
        response = client.get(roadmap_url(community_roadmap))
        assert response.status_code == 200
        assert NOTICE not in response.content.decode()

    def test_the_representative_of_an_unpublished_entry_is_not_told(
        self, client, community_roadmap, organization, representative, two
    ):
        Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
        client.force_login(representative)
        response = client.get(roadmap_url(community_roadmap))
        assert response.status_code == 200
        assert NOTICE not in response.content.decode()

    def test_a_completed_roadmap_is_not_offered_the_move(
        self, client, municipal_roadmap, staff, two
    ):
        Roadmap.objects.filter(pk=municipal_roadmap.pk).update(status=Roadmap.Status.COMPLETED)
        client.force_login(staff)
        assert NOTICE not in client.get(roadmap_url(municipal_roadmap)).content.decode()


class TestConfirmPage:
    def test_it_lists_what_changes_and_flags_the_answers_kept_in_the_history(
        self, client, municipal_roadmap, staff, two
    ):
        write(municipal_roadmap, "2.3", "Sociālais dienests.", staff)
        client.force_login(staff)
        response = client.get(upgrade_url(municipal_roadmap))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Move the roadmap to version 2" in page
        changed = page.split('class="upgrade-changed"')[1].split("</ul>")[0]
        assert "1.2 Describe the problem you solve" in changed
        new = page.split('class="upgrade-new"')[1].split("</ul>")[0]
        assert "2.7 Agree who reports to whom" in new
        removed = page.split('class="upgrade-removed"')[1].split("</ul>")[0]
        assert "2.3 " in removed
        assert "your answer will be kept in the history" in removed
        assert 'name="lock_version" value="1"' in page
        assert 'name="to_version" value="2"' in page
        assert "Move to version 2</button>" in page
        assert not RemovedAnswer.objects.exists()  # showing changes nothing

    def test_a_removed_checkpoint_without_an_answer_is_not_flagged(
        self, client, municipal_roadmap, staff, two
    ):
        client.force_login(staff)
        page = client.get(upgrade_url(municipal_roadmap)).content.decode()
        assert "2.3 " in page.split('class="upgrade-removed"')[1].split("</ul>")[0]
        assert "your answer will be kept in the history" not in page

    def test_its_number_of_queries_is_fixed(
        self, client, municipal_roadmap, staff, two, django_assert_num_queries
    ):
        client.force_login(staff)
        client.get(upgrade_url(municipal_roadmap))  # a first request warms up the session
        # Session, user, roadmap, newer version, its checkpoints, the answers; the menu's two.
        with django_assert_num_queries(8):
            client.get(upgrade_url(municipal_roadmap))

    def test_without_a_newer_version_it_sends_back_to_the_roadmap(
        self, client, municipal_roadmap, staff
    ):
        client.force_login(staff)
        response = client.get(upgrade_url(municipal_roadmap))
        assert response.status_code == 302
        assert response["Location"] == roadmap_url(municipal_roadmap)
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "The roadmap is on the newest version already."
        ]


class TestMove:
    def test_a_removed_answers_needs_are_named_in_the_history(
        self, client, municipal_roadmap, staff, two
    ):
        kind = NeedKind.objects.get(slug="premises-equipment")
        current = municipal_roadmap.answers.get(checkpoint__code="2.3")
        answer_save(
            answer=current,
            values={"needs": {kind.slug: "Telpas pirmdienās"}},
            actor=staff,
            version=current.version,
        )
        client.force_login(staff)
        client.post(upgrade_url(municipal_roadmap), confirm(municipal_roadmap))
        page = client.get(roadmap_url(municipal_roadmap)).content.decode()
        history = page.split("Answers to checkpoints no longer in the roadmap")[1]
        with translation.override("en"):
            assert f"{kind.name}: Telpas pirmdienās" in history

    def test_the_roadmap_moves_and_shows_the_removed_answer_in_its_history(
        self, client, municipal_roadmap, staff, two
    ):
        write(municipal_roadmap, "1.2", "Trūkst dienas centra.", staff)
        write(municipal_roadmap, "2.3", "Sociālais dienests.", staff)
        client.force_login(staff)
        response = client.post(upgrade_url(municipal_roadmap), confirm(municipal_roadmap))
        assert response.status_code == 302
        assert response["Location"] == roadmap_url(municipal_roadmap)
        roadmap = Roadmap.objects.get(pk=municipal_roadmap.pk)
        assert roadmap.version == two
        assert roadmap.answers.get(checkpoint__code="1.2").text == "Trūkst dienas centra."

        page = client.get(response["Location"]).content.decode()
        assert "The roadmap is on version 2 now." in page
        assert NOTICE not in page
        tasks, history = page.split("Answers to checkpoints no longer in the roadmap")
        assert "Sociālais dienests." not in tasks
        assert "Sociālais dienests." in history
        assert "Removed in version 2 · In progress" in history
        assert "Moved to a newer version (version 2)" in history

    def test_a_page_loaded_before_another_move_is_refused_and_nothing_changes(
        self, client, municipal_roadmap, staff, publish_version, two
    ):
        stale = confirm(municipal_roadmap)
        client.force_login(staff)
        assert client.post(upgrade_url(municipal_roadmap), stale).status_code == 302
        three = publish_version(version_two, number=3)
        response = client.post(upgrade_url(municipal_roadmap), stale | {"to_version": 3})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Someone changed the version of this roadmap since you opened this page" in page
        assert "<title>Error:" in page
        assert 'name="lock_version" value="2"' in page  # the page as it is now, to confirm
        roadmap = Roadmap.objects.get(pk=municipal_roadmap.pk)
        assert roadmap.version == two
        assert roadmap.version != three
        assert roadmap.events.filter(kind=RoadmapEvent.Kind.UPGRADED).count() == 1

    def test_a_move_to_its_own_version_is_refused(self, client, municipal_roadmap, staff, two):
        client.force_login(staff)
        response = client.post(upgrade_url(municipal_roadmap), confirm(municipal_roadmap, number=1))
        assert response.status_code == 200
        assert "it can only move to a newer one" in response.content.decode()
        assert Roadmap.objects.get(pk=municipal_roadmap.pk).version.number == 1

    def test_a_page_cut_short_is_refused(self, client, municipal_roadmap, staff, two):
        client.force_login(staff)
        response = client.post(upgrade_url(municipal_roadmap), {"to_version": 2})
        assert response.status_code == 200
        assert "This page is incomplete or out of date" in response.content.decode()
        assert Roadmap.objects.get(pk=municipal_roadmap.pk).version.number == 1


class TestAccess:
    def test_an_outsider_gets_404(self, client, municipal_roadmap, outsider, two):
        client.force_login(outsider)
        assert client.get(upgrade_url(municipal_roadmap)).status_code == 404
        data = confirm(municipal_roadmap)
        assert client.post(upgrade_url(municipal_roadmap), data).status_code == 404
        assert Roadmap.objects.get(pk=municipal_roadmap.pk).version.number == 1

    def test_a_reader_gets_403(self, client, community_roadmap, coordinator_reader, two):
        client.force_login(coordinator_reader)
        assert client.get(upgrade_url(community_roadmap)).status_code == 403
        data = confirm(community_roadmap)
        assert client.post(upgrade_url(community_roadmap), data).status_code == 403
        assert Roadmap.objects.get(pk=community_roadmap.pk).version.number == 1

    def test_a_completed_roadmap_gets_403(self, client, municipal_roadmap, staff, two):
        Roadmap.objects.filter(pk=municipal_roadmap.pk).update(status=Roadmap.Status.COMPLETED)
        client.force_login(staff)
        assert client.get(upgrade_url(municipal_roadmap)).status_code == 403
        data = confirm(municipal_roadmap)
        assert client.post(upgrade_url(municipal_roadmap), data).status_code == 403

    def test_other_methods_get_405(self, client, municipal_roadmap, staff, two):
        client.force_login(staff)
        assert client.put(upgrade_url(municipal_roadmap)).status_code == 405
        assert client.delete(upgrade_url(municipal_roadmap)).status_code == 405

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, municipal_roadmap, two):
        response = client.get(upgrade_url(municipal_roadmap))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


class TestASaveThatWaitedForTheMove:
    """The page was looked up, then the roadmap moved and removed its checkpoint, then the
    save ran (the race roadmap_upgrade's locks leave): a clear refusal, the text kept."""

    @pytest.fixture
    def moved_meanwhile(self, monkeypatch, municipal_roadmap, staff, publish_version):
        real_save = views.answer_save

        def move_then_save(**kwargs):
            roadmap_upgrade(
                roadmap=municipal_roadmap,
                actor=staff,
                to_version=publish_version(version_two),
                lock_version=municipal_roadmap.lock_version,
            )
            return real_save(**kwargs)

        monkeypatch.setattr(views, "answer_save", move_then_save)

    def test_the_checkpoint_page_says_why_and_shows_the_text_again(
        self, client, staff, municipal_roadmap, moved_meanwhile
    ):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="2.3")
        response = client.post(
            f"/en/roadmaps/{municipal_roadmap.pk}/2.3/",
            {"version": answer.version, "text": "Idejas no jauniešiem", "status": "in_progress"},
        )
        assert response.status_code == 200
        assert "this checkpoint left the roadmap when it moved" in response.text
        assert "Idejas no jauniešiem" in response.text
        assert not Answer.objects.filter(pk=answer.pk).exists()

    def test_the_autosave_says_not_saved(self, client, staff, municipal_roadmap, moved_meanwhile):
        client.force_login(staff)
        answer = municipal_roadmap.answers.get(checkpoint__code="2.3")
        response = client.post(
            f"/en/roadmaps/{municipal_roadmap.pk}/2.3/autosave/",
            {"version": answer.version, "text": "Idejas"},
        )
        assert response.status_code == 409
        assert "Not saved." in response.text
