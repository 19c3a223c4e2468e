import io
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from orgs.imports import ImportFileError, read_table, run_import
from orgs.models import ImportRecord, Organization, OrganizationChange
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    # Messages are checked in English; outside a request the portal speaks Latvian.
    with translation.override("en"):
        yield


def csv_bytes(rows, *, encoding="utf-8", delimiter=","):
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    return text.encode(encoding)


@pytest.fixture
def trakai(db):
    return MunicipalityFactory(
        name="Trakų rajono savivaldybė", country="LT", time_zone="Europe/Vilnius"
    )


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-8", "Biedrība „Ūdensroze”"),
        ("utf-8-sig", "Biedrība „Ūdensroze”"),
        ("cp1257", "Žalgirio jaunimo klubas Ąžuolas"),
        ("cp1252", "Associação Ação Jovem Gårdsbageriet"),
        ("cp1253", "Σύνδεσμος Νέων Αγλαντζιάς"),
    ],
)
def test_it_reads_each_encoding(encoding, name, municipality):
    content = csv_bytes([["Name", "Home municipality"], [name, "Talsu novads"]], encoding=encoding)
    table = read_table(content, "file.csv")
    assert table.dataset[0][0] == name
    assert table.encoding == ("utf-8" if encoding.startswith("utf-8") else encoding)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_finds_the_separator_and_reads_latvian_headers(delimiter, municipality):
    content = csv_bytes(
        [["Nosaukums", "Pašvaldība", "E-pasts"], ["Biedrība A", "Talsu novads", "a@b.lv"]],
        delimiter=delimiter,
    )
    table = read_table(content, "file.csv")
    assert table.delimiter == delimiter
    assert table.dataset.headers == ["name", "home_municipality", "email"]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_it_reads_spreadsheets(kind, municipality):
    dataset = tablib.Dataset(headers=["Name", "Home municipality"])
    dataset.append(["Biedrība Ābele", "Talsu novads"])
    table = read_table(dataset.export(kind), f"file.{kind}")
    assert table.kind == kind
    assert table.dataset[0][0] == "Biedrība Ābele"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"Name\n", "header-only.csv", "no rows"),
        (b"Foo,Bar\n1,2\n", "nameless.csv", "Name"),
        (b"\x00\x01\x02binary" * 10, "image.csv", "not a spreadsheet"),
        (b"not really a zip", "fake.xlsx", "not a valid spreadsheet"),
        (b"x" * (50 * 1024 * 1024), "huge.csv", "larger than"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_reason(content, name, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(content, name)


def test_a_spreadsheet_that_unpacks_to_far_more_than_its_size_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (200 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="unpacks"):
        read_table(buffer.getvalue(), "bomb.xlsx")


def rows_file(*rows):
    return read_table(
        csv_bytes([["Name", "Home municipality", "Registration number", "Contact e-mail"], *rows]),
        "f.csv",
    )


def test_bad_rows_are_reported_by_row_and_column_and_all_or_nothing_writes_nothing(
    staff, municipality, trakai
):
    table = rows_file(
        ["Biedrība Labā", "Talsu novads", "40001", "ok@example.lv"],
        ["", "Talsu novads", "", ""],
        ["Biedrība Slikts e-pasts", "Talsu novads", "", "nav-adrese"],
        ["Biedrība Nezināmā", "Atlantīdas novads", "", ""],
        ["Trakų klubas", "Trakų rajono savivaldybė", "", ""],
        ["B" * 301, "Talsu novads", "", ""],
        ["Biedrība Labā", "Talsu novads", "40001", ""],
    )
    report = run_import(table, actor=staff, dry_run=False, all_or_nothing=True)
    by_row = {row.number: row for row in report.rows}
    assert by_row[2].status == "new"
    assert by_row[3].status == "error" and "Name" in by_row[3].messages[0]
    assert "e-mail" in by_row[4].messages[0].lower()
    assert "Unknown municipality" in by_row[5].messages[0]
    assert "your own municipality" in by_row[6].messages[0]
    assert by_row[7].status == "error"
    assert "same organization as row 2" in by_row[8].messages[0]
    assert not report.written
    assert Organization.objects.count() == 0

    report = run_import(table, actor=staff, dry_run=False)
    assert report.written
    assert list(Organization.objects.values_list("name", flat=True)) == ["Biedrība Labā"]


def test_a_dry_run_writes_nothing(staff, municipality):
    report = run_import(
        rows_file(["Biedrība Jaunā", "Talsu novads", "", ""]), actor=staff, dry_run=True
    )
    assert report.counts == {"new": 1}
    assert Organization.objects.count() == 0


def test_it_updates_the_same_organization_instead_of_duplicating(staff, municipality):
    by_number = OrganizationFactory(
        name="Vecais nosaukums", home_municipality=municipality, registration_number="40009"
    )
    by_name = OrganizationFactory(name="Biedrība „Ābele”", home_municipality=municipality)
    table = rows_file(
        ["Jaunais nosaukums", "Talsu novads", "40009", ""],
        ['biedriba "abele"', "Talsu novads", "", "abele@example.lv"],
    )
    report = run_import(table, actor=staff, dry_run=False)
    assert [row.status for row in report.rows] == ["updated", "updated"]
    assert Organization.objects.count() == 2
    by_number.refresh_from_db()
    assert by_number.name == "Jaunais nosaukums"
    change = OrganizationChange.objects.get(organization=by_number)
    assert change.actor == staff and change.fields["name"]["old"] == "Vecais nosaukums"
    by_name.refresh_from_db()
    assert by_name.email == "abele@example.lv"


def test_imported_entries_are_published_with_a_private_contact_person(staff, municipality):
    table = read_table(
        csv_bytes(
            [
                ["Name", "Home municipality", "Contact person", "Phone"],
                ["Biedrība X", "Talsu novads", "Ilze", "'+371 2000 0000"],
            ]
        ),
        "f.csv",
    )
    run_import(table, actor=staff, dry_run=False)
    organization = Organization.objects.get()
    assert organization.status == Organization.Status.PUBLISHED
    assert not organization.contact_person_consent
    assert organization.phone == "+371 2000 0000"  # the export's formula escaping undone


def test_an_exported_file_imports_back_with_no_change(client, staff, organization):
    organization.phone = "+371 2000 0000"
    organization.description = "<b>Teksts</b> = vienkāršs"
    organization.save()
    body = b"".join(client.get("/en/organizations/export/").streaming_content)
    report = run_import(read_table(body, "organizations.csv"), actor=staff, dry_run=False)
    assert report.counts == {"unchanged": 1}
    organization.refresh_from_db()
    assert organization.description == "<b>Teksts</b> = vienkāršs"


class TestPages:
    def test_upload_preview_and_confirm(self, client, staff, municipality):
        client.force_login(staff)
        content = csv_bytes(
            [["Nosaukums", "Pašvaldība"], ["Biedrība Ozols", "Talsu novads"]],
            encoding="cp1257",
            delimiter=";",
        )
        response = client.post(
            "/en/moderation/import/", {"file": SimpleUploadedFile("dati.csv", content)}
        )
        record = ImportRecord.objects.get()
        assert response["Location"] == f"/en/moderation/import/{record.pk}/"
        preview = client.get(response["Location"])
        assert "Biedrība Ozols" in preview.text and "New" in preview.text
        assert 'value="cp1257" selected' in preview.text
        assert Organization.objects.count() == 0
        client.post(response["Location"])
        assert Organization.objects.get().name == "Biedrība Ozols"
        record.refresh_from_db()
        assert record.status == ImportRecord.Status.IMPORTED
        assert record.counts == {"new": 1}
        assert client.post(response["Location"]).status_code == 404  # not twice

    def test_a_bad_file_is_refused_on_the_upload_page(self, client, staff):
        client.force_login(staff)
        response = client.post(
            "/en/moderation/import/", {"file": SimpleUploadedFile("x.xlsx", b"garbage")}
        )
        assert "There is a problem" in response.text
        assert not ImportRecord.objects.exists()

    def test_representatives_get_403_and_others_cannot_open_my_preview(
        self, client, staff, representative, municipality
    ):
        client.force_login(representative)
        assert client.get("/en/moderation/import/").status_code == 403
        client.force_login(staff)
        client.post("/en/moderation/import/", {"file": SimpleUploadedFile("d.csv", b"Name\nA\n")})
        record = ImportRecord.objects.get()
        other = OrganizationFactory().home_municipality
        client.force_login(MunicipalityMembershipFactory(municipality=other).user)
        assert client.get(f"/en/moderation/import/{record.pk}/").status_code == 404


def test_the_command_reports_rows_and_fails_when_one_is_refused(tmp_path, municipality, capsys):
    path = tmp_path / "dati.csv"
    path.write_bytes(
        csv_bytes(
            [["Name", "Home municipality"], ["Biedrība A", "Talsu novads"], ["", "Talsu novads"]]
        )
    )
    with pytest.raises(CommandError):
        call_command("import_organizations", str(path), "--all-or-nothing")
    out = capsys.readouterr().out
    assert "row 3\terror" in out and "nothing written" in out
    assert Organization.objects.count() == 0
