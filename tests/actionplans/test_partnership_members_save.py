"""actionplans.services.partnership_members_save: the rows replaced in their order."""

import pytest

from actionplans.models import Member, PartnershipEvent
from actionplans.services import partnership_members_save
from roadmap_portal.lib.locking import Conflict
from tests.factories import OrganizationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def row(**values):
    return {
        "role": Member.Role.IMPLEMENTING,
        "organization": None,
        "name": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        **values,
    }


def partners(partnership):
    return [(m.partner_name, m.role, m.position) for m in partnership.members.order_by("position")]


def test_kept_rows_are_updated_new_ones_made_removed_ones_deleted_in_the_order_given(
    partnership, organization, municipality, staff
):
    signatory = partnership.members.get(role=Member.Role.SIGNATORY)
    helper = OrganizationFactory(name="Palīgs")
    old = partnership.members.create(role=Member.Role.FUNDING, name="Fonds", position=2)
    partnership_members_save(
        partnership=partnership,
        rows=[
            row(role=Member.Role.LEAD_MUNICIPALITY, contact_name="Anna"),
            row(role=Member.Role.TECHNICAL, organization=helper),
            row(
                id=signatory.pk,
                role=Member.Role.SIGNATORY,
                organization=organization,
                contact_email="info@example.org",
            ),
        ],
        version=1,
        actor=staff,
    )
    assert partners(partnership) == [
        (municipality.name, Member.Role.LEAD_MUNICIPALITY, 0),
        ("Palīgs", Member.Role.TECHNICAL, 1),
        (organization.name, Member.Role.SIGNATORY, 2),
    ]
    signatory.refresh_from_db()
    assert signatory.contact_email == "info@example.org"
    assert partnership.members.get(role=Member.Role.LEAD_MUNICIPALITY).contact_name == "Anna"
    assert not Member.objects.filter(pk=old.pk).exists()
    partnership.refresh_from_db()
    assert partnership.members_version == 2
    event = partnership.events.get(kind=PartnershipEvent.Kind.MEMBERS_SAVED)
    assert event.fields == {"created": 1, "updated": 1, "removed": 1}


def test_the_lead_municipality_stays_when_no_row_names_it(partnership, municipality, staff):
    partnership_members_save(partnership=partnership, rows=[], version=1, actor=staff)
    assert partners(partnership) == [(municipality.name, Member.Role.LEAD_MUNICIPALITY, 0)]


def test_a_named_group_is_linked_to_its_entry_and_its_name_cleared(partnership, staff):
    named = partnership.members.create(role=Member.Role.FUNDING, name="Fonds", position=2)
    entry = OrganizationFactory(name="Fonds „Atbalsts”")
    partnership_members_save(
        partnership=partnership,
        rows=[row(id=named.pk, role=Member.Role.FUNDING, organization=entry, name="Fonds")],
        version=1,
        actor=staff,
    )
    named.refresh_from_db()
    assert (named.organization, named.name) == (entry, "")


def test_another_partnerships_row_is_never_changed_through_its_id(partnership, staff):
    elsewhere = PartnershipFactory().members.create(role=Member.Role.FUNDING, name="Svešs")
    partnership_members_save(
        partnership=partnership,
        rows=[row(id=elsewhere.pk, name="Mans")],
        version=1,
        actor=staff,
    )
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Svešs"
    assert partnership.members.filter(name="Mans").exists()


def test_a_save_from_an_older_version_is_a_conflict_and_changes_nothing(partnership, staff):
    partnership_members_save(partnership=partnership, rows=[row(name="A")], version=1, actor=staff)
    with pytest.raises(Conflict) as raised:
        partnership_members_save(
            partnership=partnership, rows=[row(name="B")], version=1, actor=staff
        )
    assert raised.value.current.members_version == 2
    assert list(partnership.members.exclude(name="").values_list("name", flat=True)) == ["A"]


def test_two_rows_swapping_their_roles_are_saved(partnership, organization, staff):
    signatory = partnership.members.get(role=Member.Role.SIGNATORY)
    funder = partnership.members.create(
        role=Member.Role.FUNDING, organization=organization, position=2
    )
    partnership_members_save(
        partnership=partnership,
        rows=[
            row(id=signatory.pk, role=Member.Role.FUNDING, organization=organization),
            row(id=funder.pk, role=Member.Role.SIGNATORY, organization=organization),
        ],
        version=1,
        actor=staff,
    )
    signatory.refresh_from_db()
    funder.refresh_from_db()
    assert (signatory.role, funder.role) == (Member.Role.FUNDING, Member.Role.SIGNATORY)


def test_a_row_changing_role_beside_a_group_named_like_its_placeholder_is_saved(
    partnership, organization, staff
):
    signatory = partnership.members.get(role=Member.Role.SIGNATORY)
    group = partnership.members.create(
        role=Member.Role.IMPLEMENTING, name=f"({signatory.pk})", position=2
    )
    partnership_members_save(
        partnership=partnership,
        rows=[
            row(id=signatory.pk, role=Member.Role.FUNDING, organization=organization),
            row(id=group.pk, role=Member.Role.IMPLEMENTING, name=group.name),
        ],
        version=1,
        actor=staff,
    )
    signatory.refresh_from_db()
    assert signatory.role == Member.Role.FUNDING and signatory.name == ""
