"""An entry records the language its purpose is written in (WCAG 3.1.2): by default its
country's, chosen on the form, filled in for existing entries, marked on the pages and
carried through the export and import."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from exchange.export import export_rows
from exchange.readers import read_table
from exchange.services import run_import
from orgs.forms import OrganizationForm
from orgs.models import Organization, language_of_country
from tests.exchange.helpers import csv_bytes
from tests.factories import MunicipalityFactory, OrganizationFactory, OrganizationMembershipFactory

from .helpers import registration_data

pytestmark = pytest.mark.django_db

migration = importlib.import_module("orgs.migrations.0018_description_language")


@pytest.mark.parametrize(
    ("country", "language"),
    [("LV", "lv"), ("LT", "lt"), ("SE", "sv"), ("PT", "pt"), ("CY", "el"), ("DE", "en")],
)
def test_an_entry_is_written_in_its_countrys_language_unless_it_says_otherwise(country, language):
    assert language_of_country(country) == language
    municipality = MunicipalityFactory(country=country)
    entry = OrganizationFactory(home_municipality=municipality, description_language="")
    assert entry.description_lang == language
    entry.description_language = "en" if language != "en" else "sv"
    assert entry.description_lang == entry.description_language


def test_the_migration_sets_existing_entries_from_their_country():
    latvian = OrganizationFactory(home_municipality=MunicipalityFactory(country="LV"))
    swedish = OrganizationFactory(home_municipality=MunicipalityFactory(country="SE"))
    german = OrganizationFactory(home_municipality=MunicipalityFactory(country="DE"))
    chosen = OrganizationFactory(home_municipality=MunicipalityFactory(country="LV"))
    Organization.objects.update(description_language="")
    Organization.objects.filter(pk=chosen.pk).update(description_language="pt")

    migration.set_from_country(apps, None)

    stored = dict(Organization.objects.values_list("pk", "description_language"))
    assert stored == {latvian.pk: "lv", swedish.pk: "sv", german.pk: "en", chosen.pk: "pt"}


def test_a_registration_that_does_not_choose_gets_its_countrys_language(client):
    municipality = MunicipalityFactory(country="LT")
    client.post("/en/organizations/register/", registration_data(municipality))
    assert Organization.objects.get().description_language == "lt"


def test_a_registration_records_the_language_chosen(client):
    municipality = MunicipalityFactory(country="LT")
    data = registration_data(municipality, description_language="en")
    client.post("/en/organizations/register/", data)
    assert Organization.objects.get().description_language == "en"


def test_the_form_offers_the_portal_languages_with_a_hint_and_preselects_the_entrys():
    entry = OrganizationFactory(home_municipality=MunicipalityFactory(country="SE"))
    with translation.override("en"):
        form = OrganizationForm(instance=entry)
        field = form["description_language"]
        assert field.help_text == "The language your description is written in."
        assert [code for code, _label in field.field.choices] == [
            "", "lv", "en", "lt", "sv", "pt", "el",
        ]  # fmt: skip
        assert field.value() == "sv"
    assert OrganizationForm(data={"description_language": "xx"}).errors["description_language"]


def test_the_registration_page_shows_the_choice(client):
    MunicipalityFactory()
    response = client.get("/en/organizations/register/")
    assert 'name="description_language"' in response.text
    assert "The language your description is written in." in response.text


def test_an_edit_changes_the_language_and_it_is_recorded(client, organization):
    from tests.orgs.test_edit import edit_data

    client.force_login(OrganizationMembershipFactory(organization=organization).user)
    response = client.post(
        f"/en/organizations/{organization.slug}/edit/",
        edit_data(organization, description_language="en"),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.description_language == "en"
    assert organization.changes.get().fields["description_language"]["new"] == "en"


def test_the_organization_page_and_the_directory_mark_the_purposes_language(client, organization):
    organization.description_language = "sv"
    organization.description = "Vi skådar fåglar."
    organization.save()
    page = client.get(organization.get_absolute_url().replace("/lv/", "/en/", 1)).text
    assert '<p class="text-break" lang="sv">Vi skådar fåglar.</p>' in page
    directory = client.get("/en/organizations/").text
    assert '<p class="mb-0" lang="sv">Vi skådar fåglar.</p>' in directory


def test_the_export_has_the_language_and_the_import_reads_it_back(staff, municipality):
    kept = OrganizationFactory(name="Biedrība Kopā", home_municipality=municipality)
    with translation.override("en"):
        rows = list(export_rows(Organization.objects.all(), staff=False))
    assert dict(zip(rows[0], rows[1], strict=True))["Language of the purpose"] == "lv"

    rows = [
        ["Name", "Home municipality", "Language of the purpose"],
        ["Biedrība Kopā", municipality.name, ""],
        ["Föreningen Fågel", municipality.name, "Svenska"],
        ["Biedrība Jauna", municipality.name, ""],
        ["Biedrība Klingon", municipality.name, "Klingon"],
    ]
    with translation.override("en"):
        report = run_import(read_table(csv_bytes(rows), "f.csv"), actor=staff, dry_run=False)
    refused = report.rows[3]
    assert refused.status == "error"
    assert any("Unknown language of the purpose “Klingon”" in m for m in refused.messages)
    languages = dict(Organization.objects.values_list("name", "description_language"))
    assert languages["Föreningen Fågel"] == "sv"
    assert languages["Biedrība Jauna"] == "lv"  # its country's
    assert "Biedrība Klingon" not in languages
    kept.refresh_from_db()
    assert kept.description_lang == "lv"
