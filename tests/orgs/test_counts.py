"""The home page's counts (orgs.counts) follow every write that changes them: each write
path asks for a refresh after its commit, a burst of writes asks once, and a write that
is rolled back asks for nothing."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory

import orgs.counts
from exchange.services import run_import
from orgs.admin import MunicipalityAdmin
from orgs.counts import directory_counts_refresh
from orgs.models import Municipality, MunicipalityCount, Organization, OrganizationMove
from orgs.services import move_approve, organization_approve
from tests.exchange.helpers import rows_file
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
)

from .test_admin import admin_form_data

pytestmark = pytest.mark.django_db


def counted(municipality):
    return MunicipalityCount.objects.get(municipality=municipality).published_organizations


@pytest.fixture
def refreshes(monkeypatch):
    """How many times the worker counted (the test settings run tasks at once)."""
    runs = []
    real = orgs.counts.directory_counts_refresh

    def counting():
        runs.append(1)
        return real()

    monkeypatch.setattr(orgs.counts, "directory_counts_refresh", counting)
    return runs


def test_approving_an_entry_refreshes_its_municipalitys_count(
    municipality, staff, django_capture_on_commit_callbacks
):
    pending = OrganizationFactory(
        home_municipality=municipality, status=Organization.Status.PENDING
    )
    directory_counts_refresh()
    assert counted(municipality) == 0
    with django_capture_on_commit_callbacks(execute=True):
        organization_approve(organization=pending, actor=staff, base_url="http://x")
    assert counted(municipality) == 1


def test_an_approved_move_refreshes_both_municipalities(
    organization, municipality, django_capture_on_commit_callbacks
):
    braga = MunicipalityFactory(name="Município de Braga", country="PT")
    braga_staff = MunicipalityMembershipFactory(municipality=braga).user
    move = OrganizationMove.objects.create(
        organization=organization, from_municipality=municipality, to_municipality=braga
    )
    directory_counts_refresh()
    assert (counted(municipality), counted(braga)) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        move_approve(move=move, actor=braga_staff, base_url="http://x")
    assert (counted(municipality), counted(braga)) == (0, 1)


def test_an_administrator_archiving_an_entry_refreshes_the_count(
    client, administrator, organization, municipality, django_capture_on_commit_callbacks
):
    directory_counts_refresh()
    client.force_login(administrator)
    url = f"/en/admin/orgs/organization/{organization.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, admin_form_data(organization, status="archived"))
    assert response.status_code == 302
    assert counted(municipality) == 0


def test_an_administrator_moving_an_entry_refreshes_both_counts(
    client, administrator, organization, municipality, django_capture_on_commit_callbacks
):
    braga = MunicipalityFactory(country="PT")
    directory_counts_refresh()
    client.force_login(administrator)
    url = f"/en/admin/orgs/organization/{organization.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, admin_form_data(organization, home_municipality=str(braga.pk)))
    assert (counted(municipality), counted(braga)) == (0, 1)


def test_an_administrators_edit_that_changes_no_count_asks_for_no_refresh(
    client, administrator, organization, refreshes, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    url = f"/en/admin/orgs/organization/{organization.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, admin_form_data(organization, description="Cits apraksts"))
    assert refreshes == []


def test_deleting_an_entry_in_the_admin_refreshes_the_count(
    client, administrator, organization, municipality, django_capture_on_commit_callbacks
):
    directory_counts_refresh()
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/admin/orgs/organization/{organization.pk}/delete/", {"post": "yes"})
    assert counted(municipality) == 0


def test_a_new_municipality_in_the_admin_is_counted(
    administrator, django_capture_on_commit_callbacks
):
    request = RequestFactory().post("/")
    request.user = administrator
    new = Municipality(name="Kuldīgas novads", slug="kuldiga", country="LV")
    with django_capture_on_commit_callbacks(execute=True):
        MunicipalityAdmin(Municipality, admin.site).save_model(request, new, None, change=False)
    assert counted(new) == 0


def test_an_import_that_writes_entries_refreshes_the_counts(
    staff, municipality, django_capture_on_commit_callbacks
):
    directory_counts_refresh()
    table = rows_file(["Biedrība Jaunā", "Talsu novads", "", ""])
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(table, actor=staff, dry_run=False)
    assert report.written
    assert counted(municipality) == 1


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_that_writes_nothing_asks_for_no_refresh(
    staff, municipality, refreshes, dry_run, django_capture_on_commit_callbacks
):
    table = rows_file(["Biedrība Jaunā", "Talsu novads", "", ""], ["", "Talsu novads", "", ""])
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(table, actor=staff, dry_run=dry_run, all_or_nothing=True)
    assert not report.written
    assert refreshes == []


def test_a_burst_of_approvals_is_counted_once_at_its_end(
    municipality, staff, refreshes, django_capture_on_commit_callbacks
):
    pending = OrganizationFactory.create_batch(
        3, home_municipality=municipality, status=Organization.Status.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        for organization in pending:
            organization_approve(organization=organization, actor=staff, base_url="http://x")
    # The first commit enqueues the refresh; the others fall in its interval, which the
    # refresh (deferred to the interval's end by a backend that can defer) will see.
    assert refreshes == [1]


def test_the_demo_data_command_counts_at_once(db):
    call_command("load_demo_data", stdout=io.StringIO())
    assert MunicipalityCount.objects.count() == Municipality.objects.count() > 0
    assert sum(MunicipalityCount.objects.values_list("published_organizations", flat=True)) == (
        Organization.objects.published().count()
    )
