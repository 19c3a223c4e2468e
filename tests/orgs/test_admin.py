import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client

from orgs.admin import OrganizationAdmin
from orgs.models import Organization, OrganizationChange, OrganizationMove
from tests.factories import MunicipalityFactory

from .test_edit import edit_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "orgs/organization/",
        "orgs/municipality/",
        "orgs/organizationchange/",
        "orgs/organizationclaim/",
        "orgs/fieldofactivity/",
        "orgs/needkind/",
        "accounts/user/",
    ],
)
def test_administrators_open_every_list(client, administrator, organization, path):
    client.force_login(administrator)
    assert client.get(f"/en/admin/{path}").status_code == 200


def test_the_history_cannot_be_edited_in_the_admin(client, administrator, organization):
    change = OrganizationChange.objects.create(organization=organization, fields={})
    client.force_login(administrator)
    response = client.post(
        f"/en/admin/orgs/organizationchange/{change.pk}/change/", {"fields": "{}"}
    )
    assert response.status_code in (403, 200)
    change.refresh_from_db()
    assert change.fields == {}


def test_staff_and_representatives_have_no_admin(client, staff, representative):
    for user in (staff, representative):
        client.force_login(user)
        assert client.get("/en/admin/").status_code == 302


def test_the_history_cannot_be_deleted_in_the_admin_even_by_a_superuser(
    client, administrator, organization
):
    change = OrganizationChange.objects.create(organization=organization, fields={})
    client.force_login(administrator)
    delete_url = f"/en/admin/orgs/organizationchange/{change.pk}/delete/"
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        "/en/admin/orgs/organizationchange/",
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert OrganizationChange.objects.filter(pk=change.pk).exists()


def admin_form_data(organization, **overrides):
    data = {
        "name": organization.name,
        "short_name": organization.short_name,
        "slug": organization.slug,
        "type": organization.type,
        "status": organization.status,
        "legal_form": organization.legal_form,
        "registration_number": organization.registration_number,
        "home_municipality": str(organization.home_municipality_id),
        "description": organization.description,
        "description_language": organization.description_language,
        "languages": "[]",
        "email": organization.email,
        "loaded_version": str(organization.version),
        "services-TOTAL_FORMS": "0",
        "services-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_an_admin_edit_is_recorded_in_the_history_and_bumps_the_version(
    client, administrator, organization, representative
):
    client.force_login(administrator)
    url = f"/en/admin/orgs/organization/{organization.pk}/change/"
    assert client.get(url).status_code == 200
    stale = edit_data(organization, description="Pārstāvja teksts")
    response = client.post(url, admin_form_data(organization, description="Administratora teksts"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert organization.description == "Administratora teksts"
    assert organization.version == 2
    change = organization.changes.get()
    assert change.kind == OrganizationChange.Kind.EDITED
    assert change.actor == administrator
    assert change.fields == {"description": {"old": "", "new": "Administratora teksts"}}
    # A representative who had the edit page open is refused, not overwriting it.
    client.force_login(representative)
    page = client.post(f"/en/organizations/{organization.slug}/edit/", stale)
    assert "Someone else saved this entry while you were editing" in page.text
    organization.refresh_from_db()
    assert organization.description == "Administratora teksts"


def test_an_admin_edit_based_on_an_older_version_is_refused(client, administrator, organization):
    client.force_login(administrator)
    Organization.objects.filter(pk=organization.pk).update(version=5)
    response = client.post(
        f"/en/admin/orgs/organization/{organization.pk}/change/",
        admin_form_data(organization, description="Vecs skats"),
    )
    assert response.status_code == 200
    assert "Someone saved this entry after you opened it" in response.text
    organization.refresh_from_db()
    assert organization.description == ""
    assert not organization.changes.exists()


def test_an_admin_move_to_another_municipality_sets_its_country_and_is_recorded(
    client, administrator, organization
):
    braga = MunicipalityFactory(country="PT")
    client.force_login(administrator)
    client.post(
        f"/en/admin/orgs/organization/{organization.pk}/change/",
        admin_form_data(organization, home_municipality=str(braga.pk)),
    )
    organization.refresh_from_db()
    assert organization.home_municipality == braga
    assert organization.country == "PT"
    assert organization.changes.get().fields["home_municipality_id"]["new"] == braga.pk


def test_an_organization_with_a_history_cannot_be_deleted_in_the_admin(
    client, administrator, organization
):
    OrganizationChange.objects.create(organization=organization, fields={})
    client.force_login(administrator)
    delete_url = f"/en/admin/orgs/organization/{organization.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = client.get("/en/admin/orgs/organization/")
    assert "delete_selected" not in changelist.text
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_an_organization_without_a_history_can_be_deleted_in_the_admin(
    client, administrator, organization
):
    client.force_login(administrator)
    client.post(f"/en/admin/orgs/organization/{organization.pk}/delete/", {"post": "yes"})
    assert not Organization.objects.filter(pk=organization.pk).exists()


def test_an_organization_added_in_the_admin_is_recorded_as_registered_by_the_admin(
    client, administrator, municipality
):
    client.force_login(administrator)
    new = Organization(
        name="Jauna biedrība", slug="jauna", type="association", home_municipality=municipality
    )
    response = client.post(
        "/en/admin/orgs/organization/add/", admin_form_data(new, loaded_version="")
    )
    assert response.status_code == 302
    organization = Organization.objects.get(slug="jauna")
    assert organization.country == "LV"
    change = organization.changes.get()
    assert (change.kind, change.actor) == (OrganizationChange.Kind.CREATED, administrator)
    assert change.fields["name"] == {"old": None, "new": "Jauna biedrība"}


def test_an_administrator_archives_an_entry_instead_of_deleting_it_and_it_is_recorded(
    client, administrator, organization
):
    client.force_login(administrator)
    url = f"/en/admin/orgs/organization/{organization.pk}/change/"
    response = client.post(url, admin_form_data(organization, status="archived"))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.ARCHIVED
    assert organization.version == 2
    change = organization.changes.get()
    assert change.kind == OrganizationChange.Kind.MODERATED
    assert change.fields == {"status": {"old": "published", "new": "archived"}}
    client.logout()
    assert client.get(f"/en/organizations/{organization.slug}/").status_code == 404


def test_the_admin_does_not_publish_a_pending_entry(client, administrator, organization):
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    organization.refresh_from_db()
    client.force_login(administrator)
    response = client.post(
        f"/en/admin/orgs/organization/{organization.pk}/change/",
        admin_form_data(organization, status="published"),
    )
    assert response.status_code == 200
    assert "can only be archived" in response.text
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING


def test_a_moves_page_shows_the_request_before_its_decision(client, administrator, organization):
    move = OrganizationMove.objects.create(
        organization=organization,
        from_municipality=organization.home_municipality,
        to_municipality=MunicipalityFactory(),
    )
    client.force_login(administrator)
    page = client.get(f"/en/admin/orgs/organizationmove/{move.pk}/change/").text
    assert page.index("field-organization") < page.index("field-status")
    assert page.index("field-status") < page.index("field-decided_by")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole file")
@pytest.mark.django_db(transaction=True)
def test_the_admin_checks_the_version_inside_the_row_lock_it_saves_under(
    client, administrator, organization, monkeypatch
):
    """Between the version check and the save, nobody else may save the entry."""
    seen = []

    def try_to_lock():
        try:
            with transaction.atomic():
                Organization.objects.select_for_update(nowait=True).get(pk=organization.pk)
            seen.append("free")
        except DatabaseError:
            seen.append("locked")
        finally:
            connections.close_all()

    def save_form(self, request, form, change):
        # Form validation (the version check) is over; the entry is not saved yet.
        other = threading.Thread(target=try_to_lock)
        other.start()
        other.join()
        return original(self, request, form, change)

    original = OrganizationAdmin.save_form
    monkeypatch.setattr(OrganizationAdmin, "save_form", save_form)
    client.force_login(administrator)
    response = client.post(
        f"/en/admin/orgs/organization/{organization.pk}/change/",
        admin_form_data(organization, description="Administratora teksts"),
    )
    assert response.status_code == 302
    assert seen == ["locked"]


def test_the_municipalitys_staff_are_shown_in_the_admin_but_changed_on_the_staff_page(
    client, administrator, municipality, coordinator
):
    # The staff page keeps the last coordinator one, records each change and tells the
    # person: an editable inline here would do none of that.
    client.force_login(administrator)
    page = client.get(f"/en/admin/orgs/municipality/{municipality.pk}/change/").text
    assert coordinator.email in page or coordinator.get_full_name() in page
    assert 'name="memberships-0-role"' not in page
    assert 'name="memberships-0-DELETE"' not in page
    assert 'name="memberships-__prefix__-user"' not in page  # nobody is added here


def test_a_new_address_given_in_the_admin_drops_the_page_kept_at_the_old_one(
    client, administrator, organization, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    old_url = organization.get_absolute_url()
    assert client.get(old_url).status_code == 200  # kept for visitors
    admin = Client()
    admin.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/en/admin/orgs/organization/{organization.pk}/change/",
            admin_form_data(organization, slug="biedriba-brinumins-jauna"),
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert client.get(old_url).status_code == 404
    assert client.get("/en/organizations/biedriba-brinumins-jauna/").status_code == 200
