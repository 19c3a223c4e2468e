"""Open Referral packages read back for the import (exchange/hsds_read.py): the samples of
HSDS 3.0 and 1.1, broken links, refused files, and the import of what they hold."""

import csv
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from exchange.hsds_read import html_to_text, read_package
from exchange.readers import ImportFileError
from exchange.services import run_import
from orgs.models import Organization, Service
from tests.exchange.helpers import (
    HSDS_1_1,
    HSDS_3,
    export,
    needs_shared,
    zip_of,
)
from tests.factories import MunicipalityFactory, OrganizationFactory
from tests.orgs.helpers import greek_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


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
