"""Migration 0011 corrects existing over-long and multi-line values before 0012 adds the
CHECK constraints. Its function runs on rows the constraints would refuse, written with
the constraints lifted for the test; on PostgreSQL the migrations also run for real."""

import importlib

import pytest
from django.apps import apps as current_apps
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from orgs.models import Department, Organization, OrganizationChange, OrganizationClaim, Service
from roadmap_portal.lib.text import TextCheckConstraint

CORRECTION = ("orgs", "0011_text_limits_correct_existing")
correction = importlib.import_module("orgs.migrations.0011_text_limits_correct_existing")
PURPOSE = "Putni. " * 1000  # 7,000 characters


def write_old_rows(apps):
    """Rows as the database could hold them before the limits, written with `apps`' models."""
    user = apps.get_model("accounts", "User").objects.create(email="claimant@example.org")
    municipality = apps.get_model("orgs", "Municipality").objects.create(
        name="Talsu novads", slug="talsi", country="LV", time_zone="Europe/Riga"
    )
    Organization = apps.get_model("orgs", "Organization")
    organization = Organization.objects.create(
        name="Biedrība\r\n„Zīlīte”",
        slug="zilite",
        type="association",
        country="LV",
        home_municipality=municipality,
        description=PURPOSE,
        phone="+371 2000\n0000",
        search_text=PURPOSE,
    )
    untouched = Organization.objects.create(
        name="Biedrība Cita", slug="cita", type="association", country="LV",
        home_municipality=municipality, description="Īsi.",
    )  # fmt: skip
    Service = apps.get_model("orgs", "Service")
    Service.objects.create(organization=organization, name="Pulciņš", description="Īss.")
    Service.objects.create(
        organization=organization, name="Nometne\nvasarā", description="s" * 2500, position=1
    )
    claim = apps.get_model("orgs", "OrganizationClaim").objects.create(
        organization=organization, user=user, message="m" * 3000
    )
    department = apps.get_model("orgs", "Department").objects.create(
        municipality=municipality, name="Sociālais\ndienests", responsibilities="r" * 2100
    )
    return {
        "organization": organization.pk,
        "updated_at": organization.updated_at,
        "untouched": untouched.pk,
        "claim": claim.pk,
        "department": department.pk,
    }


def assert_corrected(rows, output):
    organization = Organization.objects.get(pk=rows["organization"])
    assert organization.name == "Biedrība „Zīlīte”"
    assert organization.phone == "+371 2000 0000"
    assert organization.description == PURPOSE[:4999] + "…"
    assert organization.updated_at == rows["updated_at"]  # a correction is not an edit
    assert organization.search_text.startswith(PURPOSE[:4999] + "…\n")
    services = Service.objects.filter(organization=organization)
    assert list(services.values_list("name", "description")) == [
        ("Pulciņš", "Īss."),
        ("Nometne vasarā", "s" * 1999 + "…"),
    ]
    assert OrganizationClaim.objects.get(pk=rows["claim"]).message == "m" * 1999 + "…"
    department = Department.objects.get(pk=rows["department"])
    assert (department.name, department.responsibilities) == (
        "Sociālais dienests",
        "r" * 1999 + "…",
    )

    change = OrganizationChange.objects.get(organization=organization)
    assert change.kind == OrganizationChange.Kind.CORRECTED
    assert not change.can_be_reverted
    assert change.actor is None
    assert change.fields["description"] == {"old": PURPOSE, "new": PURPOSE[:4999] + "…"}
    assert change.fields["name"] == {"old": "Biedrība\r\n„Zīlīte”", "new": "Biedrība „Zīlīte”"}
    assert change.fields["services"]["old"][1] == ["Nometne\nvasarā", "s" * 2500]
    assert change.fields["services"]["new"][1] == ["Nometne vasarā", "s" * 1999 + "…"]
    assert change.fields["claim_message"] == {
        "old": "m" * 3000, "new": "m" * 1999 + "…", "claim": rows["claim"],
    }  # fmt: skip
    assert not OrganizationChange.objects.filter(organization_id=rows["untouched"]).exists()

    pk = organization.pk
    assert f"organization {pk}, description: 7000 characters, shortened to 5000" in output
    assert f"organization {pk}, name: line breaks replaced by spaces" in output
    assert f"service {services.last().pk}, description: 2500 characters, shortened to 2000" in (
        output
    )
    assert f"claim {rows['claim']}, message: 3000 characters, shortened to 2000" in output
    assert f"department {department.pk}, responsibilities: 2100 characters" in output
    assert repr("r" * 2100) in output  # departments have no history: printed in full


@pytest.fixture
def text_checks_lifted(db):
    """The text CHECK constraints off for this test's transaction, to write what they
    refuse."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        yield
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
        return
    # PostgreSQL: dropped inside the test's transaction, so they come back with its rollback.
    with connection.schema_editor() as editor:
        for model in current_apps.get_app_config("orgs").get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, TextCheckConstraint):
                    editor.remove_constraint(model, constraint)
    yield


def test_the_correction_reports_keeps_in_the_history_and_corrects_each_value(
    text_checks_lifted, capsys
):
    rows = write_old_rows(current_apps)
    correction.correct_text(current_apps, None)
    assert_corrected(rows, capsys.readouterr().out)


def test_the_correction_changes_nothing_when_every_value_fits(db, capsys):
    municipality = current_apps.get_model("orgs", "Municipality").objects.create(
        name="Talsu novads", slug="talsi", country="LV", time_zone="Europe/Riga"
    )
    Organization.objects.create(
        name="Biedrība „Zīlīte”", slug="zilite", type="association", country="LV",
        home_municipality=municipality, description="d" * 5000,
    )  # fmt: skip
    correction.correct_text(current_apps, None)
    assert OrganizationChange.objects.count() == 0
    assert capsys.readouterr().out == ""


def test_a_corrected_registration_number_another_entry_has_is_emptied_and_reported(
    text_checks_lifted, capsys
):
    municipality = current_apps.get_model("orgs", "Municipality").objects.create(
        name="Talsu novads", slug="talsi", country="LV", time_zone="Europe/Riga"
    )
    first = Organization.objects.create(
        name="Biedrība A", slug="a", type="association", country="LV",
        home_municipality=municipality, registration_number="4000 8123",
    )  # fmt: skip
    second = Organization.objects.create(
        name="Biedrība B", slug="b", type="association", country="LV",
        home_municipality=municipality, registration_number="4000\n8123",
    )  # fmt: skip
    third = Organization.objects.create(
        name="Biedrība C", slug="c", type="association", country="LV",
        home_municipality=municipality, registration_number="5000\n8123",
    )  # fmt: skip

    correction.correct_text(current_apps, None)

    for row in (first, second, third):
        row.refresh_from_db()
    assert first.registration_number == "4000 8123"
    assert second.registration_number == ""
    assert third.registration_number == "5000 8123"  # no other entry has it
    change = OrganizationChange.objects.get(organization=second)
    assert change.fields["registration_number"] == {"old": "4000\n8123", "new": ""}
    assert f"organization {second.pk}, registration_number: '4000 8123' is another entry's" in (
        capsys.readouterr().out
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's varchar never held one")
def test_on_sqlite_a_name_longer_than_its_field_is_shortened_and_a_long_address_emptied(
    text_checks_lifted, capsys
):
    municipality = current_apps.get_model("orgs", "Municipality").objects.create(
        name="Talsu novads", slug="talsi", country="LV", time_zone="Europe/Riga"
    )
    organization = Organization.objects.create(
        name="N" * 400, slug="n", type="association", country="LV",
        home_municipality=municipality, email=f"{'e' * 300}@example.org",
    )  # fmt: skip
    correction.correct_text(current_apps, None)
    organization.refresh_from_db()
    assert organization.name == "N" * 299 + "…"
    assert organization.email == ""  # an address cut short would be a wrong one
    change = OrganizationChange.objects.get(organization=organization)
    assert change.fields["email"]["old"] == f"{'e' * 300}@example.org"
    assert "email: 312 characters, emptied" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="slow on SQLite (table rebuilds)")
@pytest.mark.django_db(transaction=True)
def test_the_migrations_run_on_old_rows_and_then_the_constraints_hold(capsys):
    # One transaction per migration: 0012's ALTER TABLE would fail after 0011's writes in
    # the same one ("pending trigger events").
    executor = MigrationExecutor(connection)
    (previous,) = [
        node.key
        for node in executor.loader.graph.node_map[CORRECTION].parents
        if node.key[0] == "orgs"
    ]
    executor.migrate([previous])
    try:
        executor.loader.build_graph()
        rows = write_old_rows(executor.loader.project_state([previous]).apps)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert_corrected(rows, capsys.readouterr().out)
    with pytest.raises(IntegrityError):
        Organization.objects.filter(pk=rows["organization"]).update(description="x" * 5001)


def test_staff_read_a_correction_in_the_history_with_no_revert_button(client, staff, organization):
    OrganizationChange.objects.create(
        organization=organization,
        kind=OrganizationChange.Kind.CORRECTED,
        fields={
            "description": {"old": PURPOSE, "new": PURPOSE[:4999] + "…"},
            "claim_message": {"old": "m" * 3000, "new": "m" * 1999 + "…", "claim": 1},
        },
    )
    client.force_login(staff)
    page = client.get(f"/en/organizations/{organization.slug}/history/")
    assert "Corrected by the portal" in page.text
    assert "Claim: how the person is connected to the organization" in page.text
    assert PURPOSE.strip() in page.text  # the old value, in full
    assert "Revert the change" not in page.text
