import csv
import datetime
import io
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from orgs.export import STAFF_COLUMNS
from orgs.imports import (
    ImportFileError,
    OrganizationResource,
    read_table,
    read_upload,
    run_import,
)
from orgs.models import (
    FieldOfActivity,
    ImportRecord,
    NeedKind,
    Organization,
    OrganizationChange,
    Service,
    TargetGroup,
)
from orgs.tables import Table
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


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _cut_in_half(kind):
    dataset = tablib.Dataset(headers=["Name"])
    dataset.append(["Biedrība A"])
    content = dataset.export(kind)
    return content[: len(content) // 2]


HOSTILE_FILES = {
    "a cell over the csv field limit": (b"Name,Purpose\nA," + b"x" * 140_000 + b"\n", "a.csv"),
    "a zip signature then garbage, as xlsx": (b"PK\x03\x04" + b"garbage" * 20, "a.xlsx"),
    "a zip signature then garbage, as zip": (b"PK\x03\x04" + b"garbage" * 20, "a.zip"),
    "a truncated xlsx": (_cut_in_half("xlsx"), "a.xlsx"),
    "a truncated ods": (_cut_in_half("ods"), "a.ods"),
    "an xlsx whose workbook is no xml": (_zip({"xl/workbook.xml": "<not xml"}), "a.xlsx"),
    "an ods whose content is no xml": (_zip({"content.xml": "<not xml"}), "a.ods"),
    "an hsds zip with broken csv": (
        _zip({"organizations.csv": b'id,name\n1,"open' + b"x" * 140_000}),
        "hsds.zip",
    ),
    "an hsds zip that is not utf-8": (
        _zip({"organizations.csv": b"id,name\n1,\xff\xfe\n"}),
        "h.zip",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_files_are_refused_with_a_reason_not_an_exception(case):
    content, name = HOSTILE_FILES[case]
    with pytest.raises(ImportFileError):
        read_upload(content, name)


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_uploads_get_the_error_summary_and_store_nothing(client, staff, case):
    content, name = HOSTILE_FILES[case]
    client.force_login(staff)
    response = client.post("/en/moderation/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert "There is a problem" in response.text and "Error: " in response.text
    assert not ImportRecord.objects.exists()


def test_a_cell_over_the_limit_is_named_in_the_message():
    content, name = HOSTILE_FILES["a cell over the csv field limit"]
    with pytest.raises(ImportFileError, match="more than 131,072 characters"):
        read_upload(content, name)


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


@pytest.mark.parametrize("language", ["en", "lv", "el"])
def test_an_exported_file_imports_back_with_no_change(
    client, staff, organization, trakai, language
):
    organization.phone = "+371 2000 0000"
    organization.description = "<b>Teksts</b> = vienkāršs"
    organization.languages = ["lv", "ru"]
    organization.is_social_enterprise = True
    organization.save()
    organization.municipalities_served.set([trakai])
    organization.fields_of_activity.set(FieldOfActivity.objects.all()[:2])
    organization.target_groups.set(TargetGroup.objects.all()[:1])
    organization.offers.set(NeedKind.objects.all()[:2])
    organization.seeks.set(NeedKind.objects.all()[2:3])
    Service.objects.create(organization=organization, name="Pulciņi", description="Otrdienās")
    body = b"".join(client.get(f"/{language}/organizations/export/").streaming_content)
    report = run_import(read_table(body, "organizations.csv"), actor=staff, dry_run=False)
    assert report.counts == {"unchanged": 1}, report.rows[0].messages
    organization.refresh_from_db()
    assert organization.description == "<b>Teksts</b> = vienkāršs"


def full_row_file(*rows):
    header = [
        "Name", "Home municipality", "Fields of activity", "Target groups", "Can offer partners",
        "Is looking for", "Other municipalities it serves", "Programmes and services",
        "Working languages", "Social enterprise status", "Year founded", "Type",
    ]  # fmt: skip
    return read_table(csv_bytes([header, *rows], delimiter="\t"), "f.csv")


def test_relations_services_and_languages_are_imported_by_name_in_any_language(
    administrator, municipality, trakai
):
    table = full_row_file(
        [
            "Biedrība Ozols", "Talsu novads", "Sociālie pakalpojumi; sport",
            "Children", "Resursi", "Πόροι", "Trakų rajono savivaldybė",
            "Vasaras nometne; Pulciņi", "lv, English", "jā", "1999", "Jauniešu organizācija",
        ],
    )  # fmt: skip
    report = run_import(table, actor=administrator, dry_run=False)
    assert report.counts == {"new": 1}, report.rows[0].messages
    organization = Organization.objects.get()
    assert [f.slug for f in organization.fields_of_activity.order_by("slug")] == [
        "social-services",
        "sport",
    ]
    assert list(organization.target_groups.values_list("slug", flat=True)) == ["children"]
    assert list(organization.offers.values_list("slug", flat=True)) == ["resources"]
    assert list(organization.seeks.values_list("slug", flat=True)) == ["resources"]
    assert list(organization.municipalities_served.all()) == [trakai]
    assert list(organization.services.values_list("name", flat=True)) == [
        "Vasaras nometne",
        "Pulciņi",
    ]
    assert organization.languages == ["lv", "en"]
    assert organization.is_social_enterprise and organization.year_founded == 1999
    assert organization.type == Organization.Type.YOUTH_ORGANIZATION
    # The search knows it without a separate reindex.
    sports = FieldOfActivity.objects.get(slug="sport")
    assert f" f{sports.pk} " in organization.facet_tokens
    assert f" m{trakai.pk} " in organization.facet_tokens
    assert "Vasaras nometne" in organization.search_text
    change = OrganizationChange.objects.get(organization=organization)
    assert change.kind == OrganizationChange.Kind.CREATED
    assert change.fields["services"]["new"] == [["Vasaras nometne", ""], ["Pulciņi", ""]]


def test_unknown_names_and_bad_values_are_row_errors_and_write_nothing(administrator, municipality):
    good = ["Biedrība Laba", "Talsu novads", "", "", "", "", "", "", "", "", "", ""]
    table = full_row_file(
        good,
        ["Biedrība A", "Talsu novads", "Kosmoss", "", "", "", "", "", "", "", "", ""],
        ["Biedrība B", "Talsu novads", "", "Marsieši", "", "", "", "", "", "", "", ""],
        ["Biedrība C", "Talsu novads", "", "", "", "", "Atlantīda", "", "", "", "", ""],
        ["Biedrība D", "Talsu novads", "", "", "", "", "", "S" * 201, "", "", "", ""],
        ["Biedrība E", "Talsu novads", "", "", "", "", "", "", "klingoņu", "", "", ""],
        ["Biedrība F", "Talsu novads", "", "", "", "", "", "", "", "varbūt", "", ""],
        ["Biedrība G", "Talsu novads", "", "", "", "", "", "", "", "", "1700", ""],
        ["Biedrība H", "Talsu novads", "", "", "", "", "", "", "", "", "", "Kosmonauti"],
    )
    report = run_import(table, actor=administrator, dry_run=False, all_or_nothing=True)
    messages = {row.number: " ".join(row.messages) for row in report.rows}
    assert report.rows[0].status == "new"
    assert "Unknown field of activity “Kosmoss”" in messages[3]
    assert "Unknown target group “Marsieši”" in messages[4]
    assert "Unknown municipality “Atlantīda”" in messages[5]
    assert "longer than 200 characters" in messages[6]
    assert "Unknown language “klingoņu”" in messages[7]
    assert "“yes” or “no”" in messages[8]
    assert "1800" in messages[9]
    assert "Unknown type “Kosmonauti”" in messages[10]
    assert [row.status for row in report.rows[1:]] == ["error"] * 8
    assert not report.written
    assert not Organization.objects.exists() and not Service.objects.exists()


def test_an_unknown_name_gets_a_suggestion_in_the_users_language(administrator, municipality):
    row = ["Biedrība A", "Talsu novads", "Sports; Kultūra", "Bern", "", "", "Talsi", "", "", "", ""]
    table = full_row_file([*row, ""])
    messages = " ".join(run_import(table, actor=administrator).rows[0].messages)
    assert "Unknown field of activity “Sports”. Did you mean “Sport and active leisure”?" in (
        messages
    )
    assert "Unknown field of activity “Kultūra”. Did you mean “Culture and the arts”?" in (messages)
    # "Bērni" is Latvian for children: a name in any language is a candidate.
    assert "Unknown target group “Bern”. Did you mean “Children”?" in messages
    assert "Unknown municipality “Talsi”. Did you mean “Talsu novads”?" in messages
    table = rows_file(["Biedrība B", "Talsi", "", ""])
    assert run_import(table, actor=administrator).rows[0].messages == [
        "Home municipality: Unknown municipality “Talsi”. Did you mean “Talsu novads”?"
    ]


def test_a_service_listed_by_name_keeps_its_description(staff, organization, municipality):
    Service.objects.create(organization=organization, name="Pulciņi", description="Katru otrdienu")
    table = full_row_file(
        [organization.name, "Talsu novads", "", "", "", "", "", "Pulciņi", "", "", "", "Biedrība"]
    )
    report = run_import(table, actor=staff, dry_run=False)
    assert report.counts == {"unchanged": 1}
    assert organization.services.get().description == "Katru otrdienu"


def test_an_update_is_recorded_and_bumps_the_version_so_an_open_edit_conflicts(
    staff, organization, municipality
):
    version = organization.version
    table = full_row_file(
        [
            organization.name,
            "Talsu novads",
            "Sport and active leisure",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    report = run_import(table, actor=staff, dry_run=False)
    assert report.counts == {"updated": 1}
    organization.refresh_from_db()
    assert organization.version == version + 1
    assert list(organization.fields_of_activity.values_list("slug", flat=True)) == ["sport"]
    change = OrganizationChange.objects.get(organization=organization)
    sports = FieldOfActivity.objects.get(slug="sport")
    assert change.fields == {"fields_of_activity": {"old": [], "new": [sports.pk]}}
    assert f" f{sports.pk} " in organization.facet_tokens


def test_new_entries_get_free_addresses(administrator, municipality, trakai):
    taken = OrganizationFactory(name="Ābele", slug="abele", home_municipality=municipality)
    table = rows_file(
        ["Ābele", "Trakų rajono savivaldybė", "", ""],
        ["ABELE", "Talsu novads", "LV1", ""],
    )
    report = run_import(table, actor=administrator, dry_run=False)
    assert report.counts == {"new": 1, "updated": 1}  # the second row is the same entry
    created = Organization.objects.exclude(pk=taken.pk).get()
    assert created.slug == "abele-2"


def test_queries_do_not_grow_with_the_rows(
    administrator, municipality, django_assert_max_num_queries
):
    def import_rows(count, offset):
        rows = [
            [f"Biedrība {offset + n}", "Talsu novads", f"R{offset + n}", ""] for n in range(count)
        ]
        return run_import(rows_file(*rows), actor=administrator, dry_run=False)

    with CaptureQueriesContext(connection) as few:
        import_rows(3, 0)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        report = import_rows(60, 100)
    assert report.counts == {"new": 60}


def test_a_write_the_database_refuses_leaves_nothing_and_says_so(
    administrator, municipality, monkeypatch
):
    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key")

    # After the entries and their services are written, so they must be rolled back.
    monkeypatch.setattr("orgs.imports.search_words_add", refuse)
    table = full_row_file(
        ["Biedrība A", "Talsu novads", "", "", "", "", "", "Pulciņi", "", "", "", ""]
    )
    report = run_import(table, actor=administrator, dry_run=False)
    assert not report.written
    assert "Nothing was written" in report.notes[0]
    assert not Organization.objects.exists() and not Service.objects.exists()


def _refuse_in_the_database(*args, **kwargs):
    # A statement the database refuses: on PostgreSQL the transaction is aborted after it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM no_such_table")


@pytest.mark.parametrize("write", ["bulk_insert", "bulk_update"])
def test_a_database_error_in_the_write_ends_in_the_report_not_an_exception(
    administrator, municipality, organization, monkeypatch, write
):
    # bulk_insert writes the new entries, bulk_update the changed ones.
    monkeypatch.setattr(f"orgs.imports.{write}", _refuse_in_the_database)
    table = rows_file(
        ["Biedrība Jaunā", "Talsu novads", "", ""],
        [organization.name, "Talsu novads", "", "jauns@example.lv"],
    )
    record = ImportRecord.objects.create(
        created_by=administrator, filename="f.csv", status=ImportRecord.Status.IMPORTING
    )
    report = run_import(table, actor=administrator, dry_run=False, record=record)
    assert not report.written and report.failed
    assert "Nothing was written: the database refused the import. Try again." in report.notes
    assert list(Organization.objects.values_list("name", flat=True)) == [organization.name]
    assert Organization.objects.get().email == ""
    assert not OrganizationChange.objects.exists() and not Service.objects.exists()


def test_the_page_says_the_database_refused_the_import_and_keeps_the_file(
    client, staff, municipality, monkeypatch
):
    client.force_login(staff)
    upload = client.post(
        "/en/moderation/import/",
        {"file": SimpleUploadedFile("d.csv", b"Name,Home municipality\nBiedriba A,Talsu novads\n")},
    )
    monkeypatch.setattr("orgs.imports.bulk_insert", _refuse_in_the_database)
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.FAILED and bytes(record.content)
    page = client.get(upload["Location"]).text
    assert "Nothing was written: the database refused the import. Try again." in page
    assert "Start again from the same file" in page and "Imported." not in page
    assert not Organization.objects.exists()


def test_more_programmes_than_an_entry_may_have_are_a_row_error(administrator, municipality):
    names = "; ".join(f"Programma {n}" for n in range(31))
    table = full_row_file(["Biedrība A", "Talsu novads", "", "", "", "", "", names, "", "", "", ""])
    report = run_import(table, actor=administrator, dry_run=False)
    assert report.rows[0].messages == [
        "Programmes and services: This row has 31 programmes and services; an entry can "
        "have at most 30."
    ]
    assert not Organization.objects.exists()


def test_an_import_whose_every_row_is_refused_says_nothing_was_imported(
    client, staff, municipality
):
    client.force_login(staff)
    content = csv_bytes([["Name", "Home municipality"], ["", "Talsu novads"], ["B", "Atlantīda"]])
    upload = client.post("/en/moderation/import/", {"file": SimpleUploadedFile("d.csv", content)})
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.NOTHING_WRITTEN
    assert record.counts == {"error": 2}
    page = client.get(upload["Location"]).text
    assert "Nothing was imported: every row had an error." in page
    assert "Imported." not in page and "alert-success" not in page
    listing = client.get("/en/moderation/import/").text
    assert "Nothing written" in listing and ">Imported<" not in listing
    assert not Organization.objects.exists()


def test_an_import_that_changes_nothing_is_not_reported_as_written(
    client, staff, organization, municipality
):
    client.force_login(staff)
    content = csv_bytes(
        [["Name", "Home municipality"], [organization.name, "Talsu novads"], ["", "Talsu novads"]]
    )
    upload = client.post("/en/moderation/import/", {"file": SimpleUploadedFile("d.csv", content)})
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.NOTHING_WRITTEN
    page = client.get(upload["Location"]).text
    assert "Nothing was imported: the rows without errors change nothing." in page
    # Without a record too (the library's own report).
    report = run_import(read_table(content, "d.csv"), actor=staff, dry_run=False)
    assert not report.written and report.counts == {"unchanged": 1, "error": 1}


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


def test_reimporting_the_public_export_keeps_a_private_contact_person(client, staff, organization):
    organization.contact_person = "Slepenais Jānis"
    organization.save()
    body = b"".join(client.get("/en/organizations/export/").streaming_content)
    assert b"Slepenais" not in body
    report = run_import(read_table(body, "organizations.csv"), actor=staff, dry_run=False)
    assert report.counts == {"unchanged": 1}
    organization.refresh_from_db()
    assert organization.contact_person == "Slepenais Jānis"


def test_an_update_writes_every_kind_of_field(staff, organization, municipality):
    header = [
        "Name", "Home municipality", "Working languages", "Year founded",
        "Social enterprise status", "Website", "Contact e-mail", "Type", "Purpose",
    ]  # fmt: skip
    row = [
        organization.name, "Talsu novads", "lv, uk", "2004", "yes", "https://abele.lv",
        "abele@example.lv", "Foundation", "Jauns mērķis = „cits”",
    ]  # fmt: skip
    table = read_table(csv_bytes([header, row], delimiter="\t"), "f.csv")
    assert run_import(table, actor=staff, dry_run=False).counts == {"updated": 1}
    organization.refresh_from_db()
    assert organization.languages == ["lv", "uk"] and organization.year_founded == 2004
    assert organization.is_social_enterprise and organization.website == "https://abele.lv"
    assert organization.email == "abele@example.lv"
    assert organization.type == Organization.Type.FOUNDATION
    assert organization.description == "Jauns mērķis = „cits”"
    assert " se " in organization.facet_tokens and "Jauns mērķis" in organization.search_text


# Another municipality's entries.

TAKEOVER = [
    ["Name", "Registration number", "Home municipality", "Purpose", "Contact e-mail"],
    [
        "Hijacked by Talsi staff",
        "40008999999",
        "Talsu novads",
        "Overwritten by Talsi import",
        "attacker@evil.example",
    ],
]


@pytest.fixture
def ventspils_entry(db):
    ventspils = MunicipalityFactory(name="Ventspils valstspilsēta", slug="ventspils")
    MunicipalityMembershipFactory(municipality=ventspils)  # it has staff of its own
    return OrganizationFactory(
        name="Ventspils jauniešu centrs",
        registration_number="40008999999",
        home_municipality=ventspils,
        email="info@ventspils.example",
        description="Ventspils",
    )


def test_a_row_cannot_take_over_another_municipalitys_entry_by_its_registration_number(
    client, staff, municipality, ventspils_entry
):
    client.force_login(staff)
    upload = client.post(
        "/en/moderation/import/",
        {"file": SimpleUploadedFile("takeover.csv", csv_bytes(TAKEOVER))},
    )
    preview = client.get(upload["Location"]).text
    assert "already listed by Ventspils valstspilsēta" in preview
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert record.counts == {"error": 1}
    row = record.report["rows"][0]
    assert row[1] == "error"
    assert row[3] == [
        "Registration number: This organization is already listed by Ventspils valstspilsēta: "
        "only its staff can change the entry."
    ]
    ventspils_entry.refresh_from_db()
    assert ventspils_entry.name == "Ventspils jauniešu centrs"
    assert ventspils_entry.email == "info@ventspils.example"
    assert ventspils_entry.home_municipality.slug == "ventspils"
    assert not ventspils_entry.changes.exists()
    assert Organization.objects.count() == 1  # no duplicate either


def test_staff_of_the_entrys_municipality_and_administrators_may_update_it_by_number(
    staff, administrator, municipality, ventspils_entry
):
    MunicipalityMembershipFactory(municipality=ventspils_entry.home_municipality, user=staff)
    rows = [TAKEOVER[0], ["Nosaukums no Talsiem", "40008999999", "Talsu novads", "", ""]]
    report = run_import(read_table(csv_bytes(rows), "f.csv"), actor=staff, dry_run=False)
    assert report.counts == {"updated": 1}, report.rows[0].messages
    ventspils_entry.refresh_from_db()
    assert ventspils_entry.home_municipality == municipality  # staff of both may move it
    rows = [TAKEOVER[0], ["Ventspils centrs", "40008999999", "Ventspils valstspilsēta", "", ""]]
    report = run_import(read_table(csv_bytes(rows), "f.csv"), actor=administrator, dry_run=False)
    assert report.counts == {"updated": 1}


def test_staff_cannot_move_their_entry_into_a_municipality_they_do_not_work_for(
    staff, organization, ventspils_entry
):
    rows = [TAKEOVER[0], [organization.name, "", "Ventspils valstspilsēta", "", ""]]
    report = run_import(read_table(csv_bytes(rows), "f.csv"), actor=staff, dry_run=False)
    assert report.rows[0].status == "error"
    assert "your own municipality" in report.rows[0].messages[0]


def test_the_preview_shows_what_each_updated_field_was_and_will_be_in_words(
    client, staff, organization, municipality
):
    riga = MunicipalityFactory(name="Rīgas valstspilsēta")
    MunicipalityMembershipFactory(municipality=riga, user=staff)
    organization.fields_of_activity.set([FieldOfActivity.objects.get(slug="sport")])
    organization.email = "old@example.lv"
    organization.email_public = True  # an empty cell clears a public address
    organization.registration_number = "40001"  # it moves: matched by number, not name
    organization.save()
    header = ["Name", "Registration number", "Home municipality", "Fields of activity"]
    header += ["Contact e-mail", "Purpose"]
    row = [organization.name, "40001", "Rīgas valstspilsēta", "Culture and the arts"]
    row += ["", "Jauns"]
    client.force_login(staff)
    upload = client.post(
        "/en/moderation/import/",
        {"file": SimpleUploadedFile("d.csv", csv_bytes([header, row], delimiter=";"))},
    )
    record = ImportRecord.objects.get()
    changes = {label: (before, after) for label, before, after in record.report["rows"][0][4]}
    assert changes == {
        "Home municipality": ("Talsu novads", "Rīgas valstspilsēta"),
        "Fields of activity": ("Sport and active leisure", "Culture and the arts"),
        "Contact e-mail": ("old@example.lv", "–"),
        "Purpose": ("–", "Jauns"),
    }
    preview = client.get(upload["Location"]).text
    assert "<del>Talsu novads</del>" in preview
    assert "<ins>Rīgas valstspilsēta</ins>" in preview
    assert "<del>Sport and active leisure</del>" in preview


def test_the_history_says_which_import_made_a_change_and_who_ran_it(
    client, staff, organization, municipality, tmp_path
):
    client.force_login(staff)
    rows = [["Name", "Home municipality", "Phone"], [organization.name, "Talsu novads", "123"]]
    upload = client.post(
        "/en/moderation/import/", {"file": SimpleUploadedFile("tālrunis.csv", csv_bytes(rows))}
    )
    client.post(upload["Location"])
    change = organization.changes.get()
    assert change.import_record == ImportRecord.objects.get()
    history = client.get(f"/en/organizations/{organization.slug}/history/").text
    assert f"Imported from tālrunis.csv by {staff.get_full_name()}" in history

    path = tmp_path / "komanda.csv"
    rows[1][2] = "456"
    path.write_bytes(csv_bytes(rows))
    call_command("import_organizations", str(path))
    assert organization.changes.count() == 2
    history = client.get(f"/en/organizations/{organization.slug}/history/").text
    assert "Imported from komanda.csv on the command line" in history
    record = ImportRecord.objects.get(filename="komanda.csv")
    assert record.from_command_line and bytes(record.content) == b""


# Cells: every problem is a row's, in words.


@pytest.mark.parametrize("value", ["12abc", "2,001", "20 01", "2001.5", "MMIV", "-2004", "1e3"])
def test_a_year_founded_that_is_no_year_is_refused_in_words(value, staff, municipality):
    table = full_row_file(
        ["Biedrība A", "Talsu novads", "", "", "", "", "", "", "", "", value, ""],
        ["Biedrība B", "Talsu novads", "", "", "", "", "", "", "", "", "2004", ""],
    )
    report = run_import(table, actor=staff, dry_run=False)
    assert report.rows[0].status == "error"
    assert report.rows[0].messages == [f"Year founded must be a year, such as 2004, not “{value}”."]
    assert report.written and report.counts == {"error": 1, "new": 1}
    assert Organization.objects.get().year_founded == 2004


@pytest.mark.parametrize("value", ["1799", "0000", "9999"])
def test_a_year_founded_out_of_range_names_the_range(value, staff, municipality):
    table = full_row_file(["Biedrība A", "Talsu novads", "", "", "", "", "", "", "", "", value, ""])
    report = run_import(table, actor=staff, dry_run=False)
    this_year = timezone.localdate().year
    assert report.rows[0].messages == [
        f"Year founded must be between 1800 and {this_year}, not {int(value)}."
    ]
    assert not Organization.objects.exists()


def test_a_year_from_a_spreadsheets_number_cell_is_read(staff, municipality):
    dataset = tablib.Dataset(headers=["Name", "Home municipality", "Year founded"])
    dataset.append(["Biedrība A", "Talsu novads", 2004.0])
    dataset.append(["Biedrība B", "Talsu novads", 2004.5])
    report = run_import(read_table(dataset.export("xlsx"), "f.xlsx"), actor=staff, dry_run=False)
    assert [row.status for row in report.rows] == ["new", "error"]
    assert Organization.objects.get().year_founded == 2004


BAD_CELLS = [
    "12abc", "2,001", "20 01", "2001.5", "NaN", "Infinity", "-1", "1e400", "9" * 5000,
    "x" * 20_000, "\x00", "a\x00b", "\ud800", "\x0b", 2004.5, True,
    datetime.datetime(2004, 1, 1), "=cmd|' /C calc'!A0", "; ;", "\u202e", "ja; nē",
]  # fmt: skip


@pytest.mark.parametrize("column", [key for key, _label in STAFF_COLUMNS])
def test_no_bad_cell_in_any_column_fails_the_whole_import(column, staff, municipality, monkeypatch):
    """The general guard: whatever a cell holds, the other rows are written and the report
    says what the database holds."""
    header = ["name", "home_municipality"]
    if column not in header:
        header.append(column)
    dataset = tablib.Dataset(headers=header)
    dataset.append(["Biedrība Laba", "Talsu novads", ""][: len(header)])
    for number, value in enumerate(BAD_CELLS):
        row = [f"Biedrība {number}", "Talsu novads", ""][: len(header)]
        row[header.index(column)] = value
        dataset.append(row)
    # As read from any file (an HSDS package's CSV may hold any character).
    table = Table(dataset=dataset, kind="csv")
    report = run_import(table, actor=staff, dry_run=False)
    assert report.written, report.notes
    assert not report.notes
    for row in report.rows:
        assert row.status in ("new", "updated", "error")
        if row.status == "error":
            assert row.messages and all(message.strip() for message in row.messages)
    written = Organization.objects.count()
    assert written >= 1 and Organization.objects.filter(name="Biedrība Laba").exists()
    assert report.counts.get("new", 0) == written == OrganizationChange.objects.count()


def _lose_the_write(monkeypatch):
    """The write is rolled back while the import goes on as if it were kept: what the
    library did on an exception in a cell."""
    write = OrganizationResource._write_relations

    def lost(self, *args, **kwargs):
        write(self, *args, **kwargs)
        transaction.set_rollback(True)

    monkeypatch.setattr(OrganizationResource, "_write_relations", lost)


def test_the_result_page_counts_what_the_database_holds_after_the_write(
    client, staff, municipality, monkeypatch
):
    entries = [OrganizationFactory(home_municipality=municipality) for _n in range(3)]
    rows = [["Name", "Home municipality", "Phone"]]
    rows += [[entry.name, "Talsu novads", "123"] for entry in entries]
    client.force_login(staff)
    upload = client.post(
        "/en/moderation/import/", {"file": SimpleUploadedFile("d.csv", csv_bytes(rows))}
    )
    assert "Updated: <strong>3</strong>" in client.get(upload["Location"]).text
    _lose_the_write(monkeypatch)
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert "updated" not in record.counts
    page = client.get(upload["Location"]).text
    assert "Imported." not in page and "Updated: <strong>3</strong>" not in page
    assert "the database holds 0 new and 0 updated ones" in page
    assert not OrganizationChange.objects.exists()


def test_the_command_counts_what_the_database_holds_after_the_write(
    tmp_path, municipality, monkeypatch, capsys
):
    entry = OrganizationFactory(home_municipality=municipality)
    path = tmp_path / "d.csv"
    path.write_bytes(
        csv_bytes([["Name", "Home municipality", "Phone"], [entry.name, "Talsu novads", "1"]])
    )
    _lose_the_write(monkeypatch)
    call_command("import_organizations", str(path))
    out = capsys.readouterr().out
    assert "(written)" not in out and "(nothing written)" in out
    assert "the database holds 0 new and 0 updated ones" in out


def test_a_bad_year_among_updates_leaves_the_others_written_and_counted(
    client, staff, municipality
):
    entries = [OrganizationFactory(home_municipality=municipality) for _n in range(3)]
    rows = [["Name", "Home municipality", "Year founded"]]
    rows += [[entry.name, "Talsu novads", "2004"] for entry in entries]
    rows.append(["Biedrība Jaunā", "Talsu novads", "12abc"])
    client.force_login(staff)
    upload = client.post(
        "/en/moderation/import/", {"file": SimpleUploadedFile("d.csv", csv_bytes(rows))}
    )
    client.post(upload["Location"])
    page = client.get(upload["Location"]).text
    assert "Imported. Rows with errors were left out." in page
    assert "Updated: <strong>3</strong>" in page
    assert "Year founded must be a year, such as 2004, not “12abc”." in page
    assert set(Organization.objects.values_list("year_founded", flat=True)) == {2004}


def quoted_file(header, row):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row])
    return read_table(buffer.getvalue().encode(), "f.csv")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Name", "Biedrība\nZīlīte", "Write this on one line, without line breaks."),
        ("Purpose", "p" * 5001, "at most 5000 characters (it has 5001)"),
        ("Programmes and services", "Putni\nun koki; Dārzs", "Write this on one line"),
    ],
    ids=["name on two lines", "purpose too long", "service name on two lines"],
)
def test_text_the_database_would_refuse_is_a_row_error(
    administrator, municipality, column, value, message
):
    header = ["Name", "Home municipality", column]
    row = ["Biedrība Zīlīte", "Talsu novads", value]
    if column == "Name":
        header, row = header[:2], [value, "Talsu novads"]
    report = run_import(quoted_file(header, row), actor=administrator, dry_run=False)
    assert report.counts == {"error": 1}
    assert any(message in text for text in report.rows[0].messages), report.rows[0].messages
    assert Organization.objects.count() == 0
