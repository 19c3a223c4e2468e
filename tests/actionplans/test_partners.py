"""actionplans:partners: the partners as rows added, removed and moved without JavaScript."""

import pytest

from actionplans.forms import PARTNER_ROLES
from actionplans.models import Member, PartnershipEvent
from tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def url(partnership):
    return f"/en/partnerships/{partnership.pk}/partners/"


def form_data(partnership, rows, *, initial=None, **extra):
    data = {
        "version": partnership.members_version,
        "members-TOTAL_FORMS": len(rows),
        "members-INITIAL_FORMS": len(rows) if initial is None else initial,
        "lead-contact_name": "",
        "lead-contact_email": "",
        "lead-contact_phone": "",
        **extra,
    }
    for index, row in enumerate(rows):
        for name in ("id", "organization", "name", "role", "contact_name"):
            data[f"members-{index}-{name}"] = row.get(name, "")
        data[f"members-{index}-contact_email"] = row.get("contact_email", "")
        data[f"members-{index}-contact_phone"] = row.get("contact_phone", "")
    return data


def signatory_row(partnership, organization):
    member = partnership.members.get(organization=organization)
    return {"id": member.pk, "organization": organization.name, "role": "signatory"}


def test_the_page_shows_the_lead_municipality_fixed_and_the_partners_as_rows(
    client, staff, partnership, organization, municipality
):
    client.force_login(staff)
    page = client.get(url(partnership)).content.decode()
    assert municipality.name in page
    assert f'value="{organization.name}"' in page
    assert "Add another partner" in page
    assert 'Remove<span class="visually-hidden"> partner 1</span>' in page
    assert 'list="directory-organizations"' in page


def test_a_member_adds_a_directory_entry_by_its_registration_number_and_a_named_group(
    client, staff, partnership, organization
):
    helper = OrganizationFactory(name="Palīgs", registration_number="40008000001")
    client.force_login(staff)
    rows = [
        signatory_row(partnership, organization),
        {"organization": "40008000001", "role": "implementing", "contact_name": "Jānis"},
        {"name": "Vecāku grupa", "role": "funding"},
    ]
    response = client.post(url(partnership), form_data(partnership, rows, initial=1))
    assert response["Location"] == partnership.get_absolute_url()
    members = [
        (m.partner_name, m.role, m.contact_name)
        for m in partnership.members.order_by("position")[1:]
    ]
    assert members == [
        (organization.name, "signatory", ""),
        (helper.name, "implementing", "Jānis"),
        ("Vecāku grupa", "funding", ""),
    ]
    assert partnership.events.filter(kind=PartnershipEvent.Kind.MEMBERS_SAVED).exists()


def test_a_partner_added_lets_its_representatives_see_the_partnership(client, staff, partnership):
    helper = OrganizationFactory(name="Palīgs")
    newcomer = OrganizationMembershipFactory(organization=helper).user
    client.force_login(newcomer)
    assert client.get(partnership.get_absolute_url()).status_code == 404
    client.force_login(staff)
    client.post(
        url(partnership), form_data(partnership, [{"organization": "Palīgs", "role": "technical"}])
    )
    client.force_login(newcomer)
    assert client.get(partnership.get_absolute_url()).status_code == 200


def test_the_add_button_shows_a_new_row_and_saves_nothing(client, staff, partnership, organization):
    client.force_login(staff)
    rows = [signatory_row(partnership, organization)]
    response = client.post(url(partnership), form_data(partnership, rows, **{"members-row": "add"}))
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 2
    assert not partnership.events.filter(kind=PartnershipEvent.Kind.MEMBERS_SAVED).exists()


def test_moving_a_row_up_then_saving_keeps_the_new_order(client, staff, partnership, organization):
    partnership.members.create(role="funding", name="Fonds", position=2)
    fund = partnership.members.get(name="Fonds")
    client.force_login(staff)
    rows = [
        signatory_row(partnership, organization),
        {"id": fund.pk, "name": "Fonds", "role": "funding"},
    ]
    moved = client.post(url(partnership), form_data(partnership, rows, **{"members-row": "up-1"}))
    formset = moved.context["formset"]
    assert [f.initial["name"] for f in formset.forms] == ["Fonds", ""]
    client.post(url(partnership), form_data(partnership, list(reversed(rows))))
    assert [m.partner_name for m in partnership.members.order_by("position")][1:] == [
        "Fonds",
        organization.name,
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"name": "Grupa", "role": "signatory"},
            "A signatory must be an organization of the directory",
        ),
        ({"organization": "Nav tādas", "role": "funding"}, "No published organization"),
        ({"role": "funding"}, "Choose an organization from the directory, or name the group"),
        ({"name": "Grupa", "role": ""}, "Choose the partner&#x27;s role"),
        ({"name": "Grupa", "role": "lead_municipality"}, "Choose the partner&#x27;s role"),
        ({"name": "Grupa", "role": "funding", "contact_email": "nav"}, "Enter an e-mail address"),
        ({"name": "Divas\nrindas", "role": "funding"}, ""),
    ],
)
def test_bad_rows_are_shown_per_row_and_nothing_is_saved(
    client, staff, partnership, organization, row, message
):
    client.force_login(staff)
    rows = [signatory_row(partnership, organization), row]
    response = client.post(url(partnership), form_data(partnership, rows, initial=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page and "There is a problem" in page
    assert message in page
    assert partnership.members.count() == 2
    assert not partnership.events.filter(kind=PartnershipEvent.Kind.MEMBERS_SAVED).exists()


def test_an_organization_appears_once_per_role(client, staff, partnership, organization):
    client.force_login(staff)
    rows = [
        signatory_row(partnership, organization),
        {"organization": organization.name, "role": "signatory"},
        {"organization": organization.name, "role": "implementing"},
    ]
    response = client.post(url(partnership), form_data(partnership, rows, initial=1))
    assert "This partner is already listed in this role" in response.content.decode()
    assert response.context["formset"].forms[2].errors == {}
    assert partnership.members.count() == 2


def test_two_entries_of_the_same_name_ask_for_the_registration_number(client, staff, partnership):
    OrganizationFactory(name="Dvīņi", registration_number="1")
    second = OrganizationFactory(name="Dvīņi", registration_number="2")
    client.force_login(staff)
    data = form_data(partnership, [{"organization": "Dvīņi", "role": "funding"}])
    assert (
        "Several organizations have this name"
        in client.post(url(partnership), data).content.decode()
    )
    data = form_data(partnership, [{"organization": "Dvīņi (2)", "role": "funding"}])
    client.post(url(partnership), data)
    assert partnership.members.filter(organization=second, role="funding").exists()


def test_a_second_editor_sees_the_conflict_and_the_partners_as_saved(
    client, staff, coordinator, partnership, organization
):
    client.force_login(coordinator)
    rows = [
        signatory_row(partnership, organization),
        {"name": "Koordinatora grupa", "role": "funding"},
    ]
    client.post(url(partnership), form_data(partnership, rows, initial=1))
    client.force_login(staff)
    rows = [signatory_row(partnership, organization), {"name": "Mana grupa", "role": "funding"}]
    response = client.post(url(partnership), form_data(partnership, rows, initial=1))
    page = response.content.decode()
    assert "Someone else saved the partners while you were editing" in page
    assert "Koordinatora grupa" in page and 'value="Mana grupa"' in page
    assert not partnership.members.filter(name="Mana grupa").exists()


def test_a_truncated_form_changes_nothing(client, staff, partnership):
    client.force_login(staff)
    response = client.post(url(partnership), {"version": "1"})
    assert response.status_code == 200
    assert partnership.members.count() == 2


def test_an_outsider_gets_404(client, outsider, partnership):
    client.force_login(outsider)
    assert client.get(url(partnership)).status_code == 404
    assert client.post(url(partnership), {}).status_code == 404


def test_the_page_takes_only_get_and_post(client, staff, partnership):
    client.force_login(staff)
    assert client.patch(url(partnership)).status_code == 405


def test_member_roles_cover_every_role_but_the_lead_municipality():
    assert Member.Role.LEAD_MUNICIPALITY not in dict(PARTNER_ROLES)


def test_a_representative_who_takes_their_organization_off_lands_on_the_list(
    client, representative, partnership
):
    client.force_login(representative)
    response = client.post(url(partnership), form_data(partnership, []))
    assert response["Location"] == "/en/partnerships/"
    assert not partnership.members.filter(role="signatory").exists()
