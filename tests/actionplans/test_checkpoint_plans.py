"""Roadmap checkpoints 3.1 and 3.2 lead to the partnership's plans (checklists:checkpoint)."""

import pytest

from actionplans.services import partnership_start
from checklists.services import roadmap_share
from orgs.models import MunicipalityMembership
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def page(client, roadmap, code):
    return client.get(f"/en/roadmaps/{roadmap.pk}/{code}/").content.decode()


@pytest.mark.parametrize("form", ["municipal_roadmap", "community_roadmap"])
def test_before_completion_the_plans_can_be_started_once_the_roadmap_is_completed(
    client, request, staff, representative, form
):
    roadmap = request.getfixturevalue(form)
    client.force_login(staff if form == "municipal_roadmap" else representative)
    for code in ("3.1", "3.2"):
        text = page(client, roadmap, code)
        assert "can be started from this roadmap once the roadmap is completed" in text
        assert "/from-roadmap/" not in text
        assert "Notes on the plan" in text


def test_a_completed_roadmap_without_a_partnership_invites_to_start_one(
    client, staff, municipal_roadmap
):
    complete(municipal_roadmap)
    client.force_login(staff)
    for code in ("3.1", "3.2"):
        assert f'href="/en/partnerships/from-roadmap/{municipal_roadmap.pk}/"' in page(
            client, municipal_roadmap, code
        )


def test_with_a_partnership_3_1_links_its_action_plan_and_3_2_its_communication_plan(
    client, staff, municipality, municipal_roadmap
):
    partnership = partnership_start(
        municipality=municipality,
        title="Mūsu <b>sadarbība</b>",
        shared_result="",
        actor=staff,
        roadmap=complete(municipal_roadmap),
    )
    client.force_login(staff)
    action_page = page(client, municipal_roadmap, "3.1")
    assert f'href="/en/partnerships/{partnership.pk}/action-plan/"' in action_page
    assert "The action plan of Mūsu &lt;b&gt;sadarbība&lt;/b&gt;" in action_page
    assert "/from-roadmap/" not in action_page
    communication_page = page(client, municipal_roadmap, "3.2")
    assert f'href="/en/partnerships/{partnership.pk}/communication-plan/"' in communication_page


def test_other_checkpoints_say_nothing_of_partnerships(client, staff, municipal_roadmap):
    client.force_login(staff)
    text = page(client, municipal_roadmap, "3.3")
    assert 'id="plans"' not in text
    assert "once the roadmap is completed" not in text
    assert "Notes on the plan" not in text


def test_a_reader_of_the_roadmap_who_is_no_partner_does_not_see_its_partnerships(
    client, staff, municipality, community_roadmap, organization, representative
):
    """A coordinator of another municipality reads the shared roadmap; the partnership
    Talsi started from it is not theirs to know of."""
    other = MunicipalityFactory(name="Ventspils")
    reader = MunicipalityMembershipFactory(
        municipality=other, role=MunicipalityMembership.Role.COORDINATOR
    ).user
    roadmap_share(roadmap=community_roadmap, municipality=other, actor=representative)
    partnership_start(
        municipality=municipality,
        title="Talsu sadarbība",
        shared_result="",
        actor=staff,
        roadmap=complete(community_roadmap),
    )
    client.force_login(reader)
    text = page(client, community_roadmap, "3.1")
    assert "Talsu sadarbība" not in text
    client.force_login(representative)  # the organization leads it: a member
    assert "Talsu sadarbība" in page(client, community_roadmap, "3.1")
