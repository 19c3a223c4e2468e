import csv
import io
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from orgs.imports import ImportFileError, read_table, run_import
from orgs.models import (
    FieldOfActivity,
    ImportRecord,
    NeedKind,
    Organization,
    OrganizationChange,
    Service,
    TargetGroup,
)
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


def quoted_file(header, row):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row])
    return read_table(buffer.getvalue().encode(), "f.csv")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Name", "Biedrība\nZīlīte", "Write this on one line, without line breaks."),
        ("Purpose", "p" * 5001, "at most 5000 characters (it has 5001)"),
        ("Programmes and services", "Putni\nun koki; Dārzs", "is on several lines"),
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
