"""actionplans.services.partnership_start: from scratch, and carrying over a roadmap."""

import pytest

from actionplans.models import Member, PartnershipEvent
from actionplans.services import partnership_start, roadmap_carry_over
from checklists.services import roadmap_start
from orgs.models import NeedKind, TargetGroup
from orgs.sides import Side
from tests.factories import OrganizationFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def answer(roadmap, code):
    return roadmap.answers.get(checkpoint__code=code)


def test_a_partnership_starts_as_a_draft_with_its_lead_municipality_and_an_event(
    municipality, staff
):
    partnership = partnership_start(
        municipality=municipality, title="Kopā", shared_result="Rezultāts", actor=staff
    )
    assert (partnership.status, partnership.title, partnership.created_by) == (
        "draft",
        "Kopā",
        staff,
    )
    (lead,) = partnership.members.all()
    assert (lead.role, lead.municipality, lead.position) == (
        Member.Role.LEAD_MUNICIPALITY,
        municipality,
        0,
    )
    (event,) = partnership.events.all()
    assert (event.kind, event.actor) == (PartnershipEvent.Kind.CREATED, staff)
    assert partnership.roadmap is None


def test_a_community_roadmap_carries_over_its_groups_needs_and_organizations(
    community_roadmap, organization, municipality, representative
):
    youth = TargetGroup.objects.get(slug="youth")
    groups = answer(community_roadmap, "1.1")
    groups.target_groups.set([youth])
    groups.text = "Jaunieši ar invaliditāti"
    groups.save()
    funding = NeedKind.objects.first()
    needs = answer(community_roadmap, "1.3")
    needs.needs = {funding.slug: "5000 eiro", "premises": ""}
    needs.save()
    helper, other = OrganizationFactory(name="Palīgs"), OrganizationFactory(name="Cits")
    answer(community_roadmap, "1.4").organizations.set([helper, other, organization])
    complete(community_roadmap)

    partnership = partnership_start(
        municipality=municipality,
        title=community_roadmap.title,
        shared_result="",
        actor=representative,
        roadmap=community_roadmap,
    )

    assert partnership.roadmap == community_roadmap
    assert list(partnership.target_groups.all()) == [youth]
    assert partnership.target_group_detail == "Jaunieši ar invaliditāti"
    assert partnership.needs == {funding.slug: "5000 eiro"}
    rows = [(m.partner_name, m.role) for m in partnership.members.order_by("position")]
    assert rows == [
        (municipality.name, Member.Role.LEAD_MUNICIPALITY),
        (organization.name, Member.Role.LEAD_ORGANIZATION),
        (organization.name, Member.Role.SIGNATORY),
        ("Cits", Member.Role.IMPLEMENTING),
        ("Palīgs", Member.Role.IMPLEMENTING),
    ]


def test_an_organization_attached_to_two_checkpoints_becomes_one_implementing_partner(
    template, municipality, staff
):
    roadmap = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="T", actor=staff)
    helper = OrganizationFactory(name="Palīgs")
    answer(roadmap, "1.4").organizations.set([helper])
    answer(roadmap, "2.1").organizations.set([helper])
    carried = roadmap_carry_over(roadmap)
    assert carried.organizations == [helper]
    assert carried.lead_organization is None
    partnership = partnership_start(
        municipality=municipality, title="T", shared_result="", actor=staff, roadmap=roadmap
    )
    assert partnership.members.filter(role=Member.Role.IMPLEMENTING).count() == 1
    assert not partnership.members.filter(role=Member.Role.SIGNATORY).exists()


def test_the_carry_over_reads_a_fixed_number_of_queries(
    community_roadmap, django_assert_num_queries
):
    answer(community_roadmap, "1.4").organizations.set([OrganizationFactory() for _ in range(3)])
    with django_assert_num_queries(3):  # answers, their target groups, their organizations
        roadmap_carry_over(community_roadmap)
