"""Organization.EDITABLE_FIELDS is the one list of what a representative edits: the form,
the snapshot and the history follow it, so no field is on the form and silently not saved."""

import pytest

from orgs.forms import OrganizationForm
from orgs.models import (
    EditableField,
    FieldOfActivity,
    NeedKind,
    Organization,
    OrganizationChange,
    TargetGroup,
)
from orgs.services import organization_snapshot, organization_update
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

# A value for each field of the form unlike the test entry's, by type of form field.
NEW_VALUES = {
    "name": "Jauns nosaukums",
    "short_name": "Jauns",
    "type": Organization.Type.YOUTH_ORGANIZATION,
    "legal_form": "nodibinājums",
    "is_social_enterprise": "on",
    "registration_number": "40008999999",
    "address": "Jaunā iela 1",
    "description": "Jauns apraksts",
    "description_language": "sv",
    "languages": ["en", "lv"],
    "year_founded": "2001",
    "email": "jauns@example.org",
    "email_public": "on",
    "phone": "+371 20000000",
    "phone_public": "on",
    "website": "https://jauns.example.org",
    "contact_person": "Jānis Jaunais",
    "contact_person_consent": "on",
}


def test_the_form_edits_exactly_the_declared_fields_but_the_services_which_are_a_formset():
    declared = [field.name for field in Organization.editable()]
    assert list(OrganizationForm.base_fields) == [f for f in declared if f != "services"]
    assert [field.kind for field in Organization.editable("services")] == ["services"]


def test_the_snapshot_records_exactly_the_declared_fields(organization):
    assert set(organization_snapshot(organization)) == {
        field.key for field in Organization.editable()
    }
    assert organization_snapshot(organization)["home_municipality_id"] == (
        organization.home_municipality_id
    )


def test_every_field_of_the_form_is_saved_and_recorded(organization, representative):
    other = MunicipalityFactory()
    relations = {
        "municipalities_served": [MunicipalityFactory()],
        "fields_of_activity": [FieldOfActivity.objects.first()],
        "target_groups": [TargetGroup.objects.first()],
        "offers": [NeedKind.objects.first()],
        "seeks": [NeedKind.objects.last()],
    }
    data = NEW_VALUES | {"home_municipality": str(other.pk)}
    data |= {name: [str(row.pk) for row in rows] for name, rows in relations.items()}
    # Whatever a field added to the form is, this test must be given a value for it.
    assert set(data) == set(OrganizationForm.base_fields)
    form = OrganizationForm(data, instance=organization)
    assert form.is_valid(), form.errors

    organization_update(
        organization=organization,
        values=form.values() | {"services": [["Pulciņš", ""]]},
        actor=representative,
        version=organization.version,
        base_url="http://testserver",
    )

    change = OrganizationChange.objects.get(organization=organization)
    # The home municipality of a published entry is a request to the new one (a move).
    expected = {f.key for f in Organization.editable()} - {"home_municipality_id"}
    assert set(change.fields) == expected
    organization.refresh_from_db()
    assert organization.name == "Jauns nosaukums" and organization.languages == ["en", "lv"]
    assert list(organization.seeks.all()) == relations["seeks"]


def test_the_declaration_names_each_kind_of_field_by_what_the_model_holds():
    kinds = {field.name: (field.key, field.kind) for field in Organization.editable()}
    assert kinds["home_municipality"] == ("home_municipality_id", EditableField.SIMPLE)
    assert kinds["offers"] == ("offers", EditableField.MANY_TO_MANY)
    assert kinds["services"] == ("services", EditableField.SERVICES)
