"""The roadmap's panels on My work (checklists/panels.py)."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from checklists.models import Answer, Roadmap
from checklists.panels import IDLE_DAYS, my_roadmaps, shared_with_my_municipality
from checklists.services import roadmap_share, roadmap_start
from orgs.models import Organization
from orgs.sides import Side

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/en/my-work/")
    request.user = user
    return request


def idle_for(roadmap, days):
    Roadmap.objects.filter(pk=roadmap.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days)
    )


class TestMyRoadmaps:
    def test_it_splits_my_roadmaps_in_progress_and_completed_with_their_progress(
        self, municipal_roadmap, staff, municipality
    ):
        done = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="B", actor=staff)
        Roadmap.objects.filter(pk=done.pk).update(status=Roadmap.Status.COMPLETED)
        Answer.objects.filter(pk=municipal_roadmap.answers.first().pk).update(
            status=Answer.Status.NOT_APPLICABLE
        )
        panel = my_roadmaps(request_of(staff))
        (in_progress,) = panel.context["in_progress"]
        assert in_progress == municipal_roadmap
        assert (in_progress.answers_done, in_progress.answers_total) == (1, 11)
        assert panel.context["completed"] == [done]

    def test_a_representative_sees_the_organizations_roadmaps_not_the_municipalitys(
        self, municipal_roadmap, community_roadmap, representative
    ):
        panel = my_roadmaps(request_of(representative))
        assert panel.context["in_progress"] == [community_roadmap]

    def test_a_roadmap_in_progress_untouched_for_a_while_is_due(self, municipal_roadmap, staff):
        idle_for(municipal_roadmap, IDLE_DAYS - 1)
        assert list(my_roadmaps(request_of(staff)).due) == []
        idle_for(municipal_roadmap, IDLE_DAYS + 5)
        with translation.override("en"):
            (due,) = my_roadmaps(request_of(staff)).due
            assert due.url == municipal_roadmap.get_absolute_url()
        assert (
            due.text == f"Bērnu dienas centrs has not changed for {IDLE_DAYS + 5} days: continue it"
        )

    def test_a_completed_roadmap_is_never_due(self, municipal_roadmap, staff):
        Roadmap.objects.filter(pk=municipal_roadmap.pk).update(status=Roadmap.Status.COMPLETED)
        idle_for(municipal_roadmap, 400)
        assert list(my_roadmaps(request_of(staff)).due) == []

    def test_someone_who_may_start_one_and_has_none_is_offered_to(self, template, staff):
        panel = my_roadmaps(request_of(staff))
        assert panel.context == {"may_start": True}

    def test_the_representative_of_an_unpublished_entry_with_none_gets_no_panel(
        self, template, organization, representative
    ):
        Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
        assert my_roadmaps(request_of(representative)) is None

    @pytest.mark.parametrize("who", ["outsider", "administrator"])
    def test_those_with_no_roadmap_to_start_get_no_panel(self, request, template, who):
        assert my_roadmaps(request_of(request.getfixturevalue(who))) is None


class TestSharedWithMyMunicipality:
    def test_a_coordinator_sees_the_roadmaps_shared_with_the_municipality(
        self, community_roadmap, municipality, representative, coordinator, staff
    ):
        roadmap_share(roadmap=community_roadmap, municipality=municipality, actor=representative)
        panel = shared_with_my_municipality(request_of(coordinator))
        assert panel.context["roadmaps"] == [community_roadmap]
        assert shared_with_my_municipality(request_of(staff)) is None  # coordinators read them

    def test_nothing_shared_is_no_panel(self, community_roadmap, coordinator):
        assert shared_with_my_municipality(request_of(coordinator)) is None
