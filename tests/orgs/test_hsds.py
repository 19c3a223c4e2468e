import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from jsonschema import Draft202012Validator

from orgs import hsds
from orgs.hsds import html_to_text, read_package, split_address, write_package
from orgs.imports import ImportFileError, run_import
from orgs.models import Organization, Service
from tests.factories import MunicipalityFactory, OrganizationFactory, ServiceFactory

from .helpers import greek_text

pytestmark = pytest.mark.django_db

SHARED = Path(settings.BASE_DIR).parent / "shared" / "data"
HSDS_3 = SHARED / "hsds-3.0"
HSDS_1_1 = SHARED / "hsds-1.1-sample"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the Open Referral schemas and samples are not in {SHARED}"
)
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def directory(organization, municipality):
    """Published entries with everything HSDS carries, and one pending entry."""
    Organization.objects.filter(pk=organization.pk).update(
        short_name="Brīnumiņš",
        legal_form="biedrība",
        registration_number="40008000001",
        description="Rotaļu istaba bērniem.\nDarbnīcas vecākiem.",
        email="info@brinumins.example.lv",
        email_public=True,
        phone="+371 2000 0000",
        phone_public=True,
        website="https://brinumins.example.lv/",
        address="Lielā iela 5, Talsi, LV-3201",
        year_founded=2004,
        contact_person="Ilga Zariņa",
        contact_person_consent=True,
    )
    ServiceFactory(organization=organization, name="Rotaļu istaba", description="Katru dienu.")
    ServiceFactory(organization=organization, name="Vecāku skola", position=1)
    private = OrganizationFactory(
        name="Sporta klubs „Vārpa”",
        home_municipality=municipality,
        description="Futbols un volejbols.",
        address="Ezera iela 2, Talsi",
        contact_person="Slepenais Jānis",
        contact_person_consent=False,
    )
    ServiceFactory(organization=private, name="Futbola treniņi", description="Otrdienās.")
    OrganizationFactory(
        name="Gaidošā biedrība",
        home_municipality=municipality,
        status=Organization.Status.PENDING,
        phone="+371 2999 9999",
    )
    return Organization.objects.published()


def package(content):
    """{file name: [rows as dicts]} and the datapackage of an export's zip."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        tables = {}
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode("utf-8")
                reader = csv.DictReader(io.StringIO(text, newline=""))
                tables[name] = (reader.fieldnames, list(reader))
        descriptor = json.loads(archive.read("datapackage.json"))
    return tables, descriptor


def export(organizations):
    buffer = io.BytesIO()
    write_package(organizations, buffer)
    return buffer.getvalue()


# Validation against the specification kept in shared/data/hsds-3.0.


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


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Plain text & more\nkept as it is", "Plain text & more\nkept as it is"),
        ("<ul>\n <li>a</li>\n <li>b</li>\n</ul>", "a\nb"),
        ("<p>One</p><p>Two<br>three</p>", "One\nTwo\nthree"),
        ("Fish &amp; chips &lt;3&nbsp;!", "Fish & chips <3 !"),
        ('<p class="x" onclick="evil()">Hi <b>there</b><script>alert(1)</script></p>', "Hi there"),
        (
            "Include:\n<ol><li>Personal<br/>care</li><li>Shopping</li></ol>",
            "Include:\nPersonal\ncare\nShopping",
        ),
        ("", ""),
        (None, ""),
    ],
)
def test_html_becomes_plain_text(value, text):
    assert html_to_text(value) == text


def test_an_export_imports_back_with_no_change(directory, administrator, municipality):
    table = read_package(export(directory))
    assert table.kind == "hsds" and table.notes == []
    report = run_import(
        table, actor=administrator, default_municipality=municipality, dry_run=False
    )
    assert report.counts == {"unchanged": 2}, report.rows
    assert Organization.objects.count() == 3
    assert Service.objects.count() == 3


def test_reimporting_the_public_export_keeps_a_private_contact_person(
    directory, administrator, municipality
):
    table = read_package(export(directory))
    report = run_import(
        table, actor=administrator, default_municipality=municipality, dry_run=False
    )
    assert Organization.objects.get(name="Sporta klubs „Vārpa”").contact_person == (
        "Slepenais Jānis"
    )
    assert report.counts == {"unchanged": 2}


@needs_shared
def test_the_hsds_1_1_sample_reads_with_its_quirks_noted():
    table = read_package(HSDS_1_1)
    rows = table.dataset.dict
    assert len(rows) == 10
    assert sum(len(row["services"]) for row in rows) == 13
    assert "home_municipality" not in table.dataset.headers
    for row in rows:
        assert "<" not in row["description"]
        assert all("<" not in text for _name, text in row["services"])
    silvers = next(row for row in rows if row["name"] == "Example City Silvers")
    assert silvers["description"].splitlines()[1:] == ["Personal Care", "Cleaning", "Shopping"]
    cross = next(row for row in rows if row["name"] == "Example Cross Trust")
    assert cross["phone"] == "(223) 346 12361"
    assert cross["short_name"] == "The Cross Trust"
    roz = next(row for row in rows if row["name"] == "Roz Bernstein Sample Org")
    assert roz["phone"] == "(0123) 4567 8900 ext. 42"  # its location's phone
    notes = "\n".join(table.notes)
    assert "phones.csv: 4 blank rows were skipped (rows 7, 8, 9, 10)." in notes
    assert "phones.csv row 5: service_id 21a1192b-abb9-45e8-bc52-c81ca4087240 is not in" in notes
    assert "phones.csv row 6: service_at_location_id c54183ce" in notes
    assert "contacts.csv rows 2, 3, 4, 6" in notes


@needs_shared
def test_the_hsds_1_1_sample_imports_with_its_services(administrator, municipality):
    report = run_import(
        read_package(HSDS_1_1),
        actor=administrator,
        default_municipality=municipality,
        dry_run=False,
    )
    assert report.counts == {"new": 10}, report.rows
    assert Organization.objects.filter(home_municipality=municipality).count() == 10
    assert Service.objects.filter(organization__home_municipality=municipality).count() == 13
    silvers = Organization.objects.get(name="Example City Silvers")
    assert silvers.description.endswith("Serivices include:\nPersonal Care\nCleaning\nShopping")
    assert silvers.contact_person == "Godfry Rubinek" and not silvers.contact_person_consent
    assert list(silvers.services.values_list("name", flat=True)) == ["Shop Assist"]


@needs_shared
def test_the_hsds_3_example_package_reads():
    table = read_package(HSDS_3 / "examples-csv")
    (row,) = table.dataset.dict
    assert row["name"] == "Example Organization Inc."
    assert row["registration_number"] == "1234567"  # organization_identifiers over tax_id
    assert row["website"] == "http://example.com" and row["year_founded"] == "2011"
    assert row["phone"] == "+44 1234 234567 ext. 100"
    assert [name for name, _text in row["services"]] == ["Community Counselling"]
    notes = "\n".join(table.notes)
    assert "locations.csv row 2: organization_id 985e4a42" in notes
    assert "schedules.csv" in notes  # not imported, and said so


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_package_in_a_folder_of_the_zip_reads_and_broken_links_are_noted():
    content = zip_of(
        {
            "export/organizations.csv": "id,name,description\no1,Biedrība A,<b>Teksts</b>\n,,\n",
            "export/services.csv": "id,organization_id,name\ns1,o1,Pulciņš\ns2,o9,Cits\ns3,o1,\n",
            "export/phones.csv": "id,organization_id,number\np1,o9,123\n",
        }
    )
    table = read_package(content)
    assert table.dataset.dict == [
        {"name": "Biedrība A", "description": "Teksts", "services": [("Pulciņš", "")]}
    ]
    assert table.notes == [
        "organizations.csv: 1 blank row was skipped (row 3).",
        "services.csv row 3: organization_id o9 is not in the package; the row was skipped.",
        "services.csv row 4: the service has no name; the row was skipped.",
        "phones.csv row 2: organization_id o9 is not in the package; the row was skipped.",
    ]


def test_a_nameless_organization_stays_a_row_for_the_report(administrator, municipality):
    table = read_package(zip_of({"organizations.csv": "id,name\no1,\no2,Biedrība B\n"}))
    report = run_import(table, actor=administrator, default_municipality=municipality)
    assert [row.status for row in report.rows] == ["error", "new"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (zip_of({"services.csv": "id,name\n"}), "no organizations.csv"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not a zip archive"),
        (b"", "not a zip archive"),
        (zip_of({"organizations.csv": "id,name\n1,R\xe9union\n".encode("latin-1")}), "UTF-8"),
        (zip_of({"organizations.csv": "id,name\n"}), "no rows"),
        (zip_of({"organizations.csv": "id,title\n1,A\n"}), "no “name” column"),
    ],
)
def test_what_is_not_a_package_is_refused_with_a_reason(content, message):
    with pytest.raises(ImportFileError, match=message):
        read_package(content)


def test_a_folder_without_organizations_is_refused(tmp_path):
    (tmp_path / "services.csv").write_text("id,name\n")
    with pytest.raises(ImportFileError, match=r"no organizations\.csv"):
        read_package(tmp_path)
    with pytest.raises(ImportFileError, match="no file or folder"):
        read_package(tmp_path / "missing")


def test_a_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", "id,name\n" + "0" * (200 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="unpacks"):
        read_package(buffer.getvalue())


# Commands.


def test_export_hsds_writes_the_published_directory(tmp_path, directory):
    target = tmp_path / "hsds.zip"
    out = io.StringIO()
    call_command("export_hsds", str(target), stdout=out)
    tables, _ = package(target.read_bytes())
    assert len(tables["organizations.csv"][1]) == 2
    assert "organization: 2" in out.getvalue() and "service: 3" in out.getvalue()


def test_import_hsds_dry_run_reports_rows_and_writes_nothing(tmp_path, municipality, staff):
    target = tmp_path / "package.zip"
    target.write_bytes(
        zip_of(
            {
                "organizations.csv": "id,name\no1,Biedrība A\no2,Biedrība B\n",
                "phones.csv": "id,service_id,number\np1,s1,123\n",
            }
        )
    )
    out = io.StringIO()
    call_command(
        "import_hsds",
        str(target),
        "--municipality",
        municipality.slug,
        "--dry-run",
        "--as-user",
        staff.email,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[2] == (
        "note\tphones.csv row 2: service_id s1 is not in the package; the row was skipped."
    )
    assert "row 2\tnew\tBiedrība A" in lines and "row 3\tnew\tBiedrība B" in lines
    assert lines[-1] == "new: 2 (nothing written)"
    assert not Organization.objects.exists()


def test_import_hsds_fails_when_a_row_is_refused(tmp_path, municipality):
    (tmp_path / "organizations.csv").write_text("id,name\no1,\no2,Biedrība B\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_hsds", str(tmp_path), "--municipality", "talsi", stdout=out)
    assert "row 2\terror" in out.getvalue()
    assert "(written)" in out.getvalue()


def test_an_organization_with_more_programmes_than_an_entry_may_have_is_a_row_error(
    administrator, municipality
):
    # 450 services of 2,000 characters overflowed PostgreSQL's search tsvector when the
    # batch was written, and the whole import raised.
    services = io.StringIO()
    writer = csv.writer(services)
    writer.writerow(["id", "organization_id", "name", "description"])
    for n in range(450):
        writer.writerow([f"s{n}", "o1", f"Programma {n}", greek_text(2000, seed=n)])
    content = zip_of(
        {
            "organizations.csv": "id,name\no1,Biedrība Daudz\no2,Biedrība Cita\n",
            "services.csv": services.getvalue(),
        }
    )
    report = run_import(
        read_package(content), actor=administrator, default_municipality=municipality, dry_run=False
    )
    first, second = report.rows
    assert first.status == "error" and first.name == "Biedrība Daudz"
    assert first.messages == [
        "Programmes and services: This row has 450 programmes and services; an entry can "
        "have at most 30."
    ]
    assert second.status == "new" and report.written
    assert list(Organization.objects.values_list("name", flat=True)) == ["Biedrība Cita"]
    assert not Service.objects.exists()


def test_import_hsds_needs_a_municipality_and_a_package(tmp_path, municipality):
    (tmp_path / "organizations.csv").write_text("id,name\no1,Biedrība A\n")
    with pytest.raises(CommandError, match="--municipality"):
        call_command("import_hsds", str(tmp_path))
    with pytest.raises(CommandError, match="No municipality nowhere"):
        call_command("import_hsds", str(tmp_path), "--municipality", "nowhere")
    with pytest.raises(CommandError, match="not a zip archive"):
        (tmp_path / "x.zip").write_bytes(b"garbage")
        call_command("import_hsds", str(tmp_path / "x.zip"), "--municipality", "talsi")
    assert not Organization.objects.exists()


# The public download.


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
    monkeypatch.setattr("orgs.export.CHUNK", 10)  # four chunks now: two queries each
    assert queries() == few + 3 * 2


def test_a_package_cannot_take_over_another_municipalitys_entry(staff, municipality, tmp_path):
    ventspils = MunicipalityFactory(name="Ventspils valstspilsēta", slug="ventspils")
    entry = OrganizationFactory(
        name="Ventspils jauniešu centrs",
        registration_number="40008999999",
        home_municipality=ventspils,
    )
    content = zip_of(
        {
            "organizations.csv": "id,name,email\no1,Hijacked by Talsi,attacker@evil.example\n",
            "organization_identifiers.csv": "id,organization_id,identifier\ni1,o1,40008999999\n",
        }
    )
    report = run_import(
        read_package(content), actor=staff, default_municipality=municipality, dry_run=False
    )
    assert report.rows[0].status == "error"
    assert "already listed by Ventspils valstspilsēta" in report.rows[0].messages[0]
    entry.refresh_from_db()
    assert entry.name == "Ventspils jauniešu centrs" and entry.email == ""
    assert Organization.objects.count() == 1

    path = tmp_path / "package.zip"
    path.write_bytes(content)
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command(
            "import_hsds",
            str(path),
            "--municipality",
            "talsi",
            "--as-user",
            staff.email,
            stdout=out,
        )
    assert "already listed by Ventspils valstspilsēta" in out.getvalue()
    entry.refresh_from_db()
    assert entry.name == "Ventspils jauniešu centrs"
