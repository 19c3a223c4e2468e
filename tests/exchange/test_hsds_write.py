"""Open Referral packages written (exchange/hsds_write.py): checked against the HSDS 3.0
schemas, and downloaded from the directory."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from exchange import hsds_write as hsds
from exchange.hsds_write import split_address
from orgs.models import Organization
from tests.exchange.helpers import (
    HSDS_3,
    export,
    needs_shared,
    package,
)
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def hsds_schemas():
    """{CSV file name: table schema} of HSDS 3.0."""
    schemas = {}
    for path in (HSDS_3 / "schema").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "path" in schema:  # tabular.json is the compiled profile of all of them
            schemas[schema["path"]] = schema
    return schemas


def row_schema(schema):
    """The schema a CSV row must satisfy: the table schema restricted to its scalar fields.

    The schemas describe HSDS's JSON form, where an organization holds its phones, services
    and so on as nested arrays; in the tabular form each of those is a CSV of its own that
    links back by id, so a row carries only the scalar fields. That form also requires the
    link to the parent (`tabular_required`, e.g. a service's organization_id)."""
    properties = {
        key: definition
        for key, definition in schema["properties"].items()
        if definition.get("type") in ("string", "number", "integer", "boolean")
    }
    required = [*schema.get("required", []), *schema.get("tabular_required", [])]
    return {
        "type": "object",
        "properties": properties,
        "required": [key for key in required if key in properties],
        "additionalProperties": False,
    }


def typed(row, properties):
    """A CSV row as the JSON object it stands for, typed per the schema.

    A CSV cell cannot tell an empty string from no value: an empty cell is "" where the
    schema takes any text, and no value where it wants a number, a choice or a format."""
    values = {}
    for key, text in row.items():
        definition = properties.get(key, {})
        kind = definition.get("type")
        if text == "":
            if kind == "string" and not {"format", "enum"} & set(definition):
                values[key] = ""
        elif kind == "number":
            values[key] = float(text) if "." in text else int(text)
        elif kind == "integer":
            values[key] = int(text)
        elif kind == "boolean":
            values[key] = {"true": True, "false": False}[text]
        else:
            values[key] = text
    return values


def schema_errors(tables):
    schemas = hsds_schemas()
    errors = []
    for name, (header, rows) in tables.items():
        schema = row_schema(schemas[name])
        properties = schema["properties"]
        errors += [f"{name}: no column {key}" for key in header if key not in properties]
        errors += [f"{name}: lacks {key}" for key in schema["required"] if key not in header]
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        for number, row in enumerate(rows, start=2):
            errors += [
                f"{name} row {number}: {error.message}"
                for error in validator.iter_errors(typed(row, properties))
            ]
        ids = [row["id"] for row in rows]
        if len(set(ids)) != len(ids):
            errors.append(f"{name}: ids repeat")
    return errors


@needs_shared
def test_the_check_knows_the_formats_and_catches_a_bad_row():
    assert {"uuid", "uri", "email"} <= set(FORMAT_CHECKER.checkers)
    header = ["id", "name", "description", "website", "year_incorporated", "logo2"]
    row = dict(zip(header, ["1", "", "x", "not a uri", "1990s", ""], strict=True))
    with pytest.raises(ValueError):  # 1990s is no number
        schema_errors({"organizations.csv": (header, [row])})
    row["year_incorporated"] = ""
    errors = schema_errors({"organizations.csv": (header, [row])})
    assert any("logo2" in error for error in errors)
    assert any("'1' is not a 'uuid'" in error for error in errors)
    assert any("'not a uri' is not a 'uri'" in error for error in errors)


@needs_shared
def test_the_export_satisfies_the_hsds_3_schemas(directory):
    tables, _descriptor = package(export(directory))
    assert schema_errors(tables) == []
    organizations = tables["organizations.csv"][1]
    assert sorted(row["name"] for row in organizations) == [
        "Biedrība „Brīnumiņš”",
        "Sporta klubs „Vārpa”",
    ]
    # Every link leads to a row of the package.
    ids = {row["id"] for row in organizations}
    for name in ("services.csv", "phones.csv", "contacts.csv", "locations.csv"):
        assert {row["organization_id"] for row in tables[name][1]} <= ids
    location_ids = {row["id"] for row in tables["locations.csv"][1]}
    assert {row["location_id"] for row in tables["addresses.csv"][1]} <= location_ids


@needs_shared
def test_the_field_descriptors_agree_with_the_hsds_3_schemas():
    schemas = hsds_schemas()
    for name, (path, fields) in hsds.TABLES.items():
        schema = schemas[path]
        assert schema["name"] == name
        required = {*schema.get("required", []), *schema.get("tabular_required", [])}
        assert required <= {field["name"] for field in fields}, path
        for field in fields:
            definition = schema["properties"][field["name"]]
            where = f"{path} {field['name']}"
            assert field["type"] == definition["type"], where
            assert field.get("format") == definition.get("format"), where
            assert field.get("constraints", {}).get("enum") == definition.get("enum"), where


def test_the_datapackage_describes_exactly_the_csvs_in_the_zip(directory):
    tables, descriptor = package(export(directory))
    resources = {resource["path"]: resource for resource in descriptor["resources"]}
    assert set(resources) == set(tables)
    assert descriptor["profile"] == "tabular-data-package"
    for name, (header, _rows) in tables.items():
        schema = resources[name]["schema"]
        assert [field["name"] for field in schema["fields"]] == header
        assert schema["primaryKey"] == ["id"]
    services = resources["services.csv"]["schema"]
    (status,) = [field for field in services["fields"] if field["name"] == "status"]
    assert status["constraints"]["enum"] == ["active", "inactive", "defunct", "temporarily closed"]
    assert services["foreignKeys"] == [
        {"fields": ["organization_id"], "reference": {"resource": "organization", "fields": ["id"]}}
    ]


def test_two_exports_give_the_same_ids_and_only_public_fields(directory):
    first, _ = package(export(directory))
    second, _ = package(export(directory))
    for name, (_header, rows) in first.items():
        assert [row["id"] for row in rows] == [row["id"] for row in second[name][1]], name
    everything = json.dumps(first, ensure_ascii=False)
    assert "Ilga Zariņa" in everything  # she consented
    assert "Slepenais Jānis" not in everything
    assert "Gaidošā" not in everything and "+371 2999 9999" not in everything
    organization = first["organizations.csv"][1][0]
    assert organization["id"] == hsds.stable_id("organization", directory.order_by("pk")[0].pk)
    assert organization["description"] == "Rotaļu istaba bērniem.\nDarbnīcas vecākiem."
    assert organization["year_incorporated"] == "2004"
    (address, *_) = first["addresses.csv"][1]
    assert (address["address_1"], address["city"], address["postal_code"]) == (
        "Lielā iela 5",
        "Talsi",
        "LV-3201",
    )
    assert address["country"] == "LV"
    services = [row["name"] for row in first["services.csv"][1]]
    assert services == ["Rotaļu istaba", "Vecāku skola", "Futbola treniņi"]


def test_values_the_schema_would_refuse_are_left_out(municipality):
    OrganizationFactory(home_municipality=municipality, name="A")
    Organization.objects.filter(name="A").update(
        website="kaut kur internetā",
        email="nav adrese",
        phone="=1+1",
        email_public=True,
        phone_public=True,
    )
    OrganizationFactory(home_municipality=municipality, name="B", website="https://vārpa.lv/ēd")
    tables, _ = package(export(Organization.objects.order_by("name")))
    a, b = tables["organizations.csv"][1]
    assert (a["website"], a["email"]) == ("", "")
    assert tables["phones.csv"][1][0]["number"] == "=1+1"  # machine data: no formula escaping
    assert b["website"] == "https://v%C4%81rpa.lv/%C4%93d"  # percent-encoded: a URI


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("Lielā iela 5, Talsi, LV-3201", ("Lielā iela 5", "Talsi", "LV-3201")),
        ("Ezera iela 2, Talsi", ("Ezera iela 2", "Talsi", "")),
        ("Vytauto g. 20, Trakai, LT-21001", ("Vytauto g. 20", "Trakai", "LT-21001")),
        ("Åsgatan 10, 791 71 Falun", ("Åsgatan 10", "791 71 Falun", "")),
        ("Rua do Souto 45, Braga, 4700-329", ("Rua do Souto 45", "Braga", "4700-329")),
        ("Kalēju iela 3, 2. stāvs, Talsi", ("Kalēju iela 3, 2. stāvs", "Talsi", "")),
        ("Talsi 12", ("Talsi 12", "", "")),
        ("Talsi,  LV-3201", ("Talsi,  LV-3201", "", "")),
    ],
)
def test_addresses_split_into_parts_that_join_back(address, parts):
    assert split_address(address) == parts
    assert ", ".join(part for part in parts if part) == address


def test_anyone_downloads_the_published_directory_as_hsds(client, directory):
    response = client.get("/en/organizations/export/hsds.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="organizations-hsds.zip"'
    tables, _ = package(b"".join(response.streaming_content))
    names = sorted(row["name"] for row in tables["organizations.csv"][1])
    assert names == ["Biedrība „Brīnumiņš”", "Sporta klubs „Vārpa”"]


def test_the_download_follows_the_directory_filters(client, directory):
    response = client.get("/en/organizations/export/hsds.zip", {"q": "brinumins"})
    tables, _ = package(b"".join(response.streaming_content))
    assert [row["name"] for row in tables["organizations.csv"][1]] == ["Biedrība „Brīnumiņš”"]


def test_the_directory_links_to_the_download(client, directory):
    assert "/en/organizations/export/hsds.zip?" in client.get("/en/organizations/").text


def test_the_download_answers_only_get(client):
    assert client.post("/en/organizations/export/hsds.zip").status_code == 405


def test_the_export_queries_grow_with_chunks_not_rows(municipality, monkeypatch):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            export(Organization.objects.published())
        return len(captured)

    for n in range(3):
        OrganizationFactory(home_municipality=municipality, name=f"Biedrība {n}")
    few = queries()
    for _ in range(30):
        ServiceFactory(organization=OrganizationFactory(home_municipality=municipality))
    assert queries() == few
    monkeypatch.setattr("exchange.export.CHUNK", 10)  # four chunks now: two queries each
    assert queries() == few + 3 * 2
