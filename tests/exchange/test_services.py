"""Running an import (exchange/services.py, through the resource of exchange/resource.py):
the check, the write, the report of what the database holds."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exchange.export import STAFF_COLUMNS
from exchange.models import ImportRecord
from exchange.readers import Table, read_table
from exchange.services import run_import
from orgs.models import (
    FieldOfActivity,
    NeedKind,
    Organization,
    OrganizationChange,
    Service,
    TargetGroup,
)
from tests.exchange.helpers import (
    BAD_CELLS,
    TAKEOVER,
    csv_bytes,
    full_row_file,
    quoted_file,
    refuse_in_the_database,
    rows_file,
)
from tests.factories import MunicipalityMembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


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
    monkeypatch.setattr("exchange.resource.search_words_add", refuse)
    table = full_row_file(
        ["Biedrība A", "Talsu novads", "", "", "", "", "", "Pulciņi", "", "", "", ""]
    )
    report = run_import(table, actor=administrator, dry_run=False)
    assert not report.written
    assert "Nothing was written" in report.notes[0]
    assert not Organization.objects.exists() and not Service.objects.exists()


@pytest.mark.parametrize("write", ["bulk_insert", "bulk_update"])
def test_a_database_error_in_the_write_ends_in_the_report_not_an_exception(
    administrator, municipality, organization, monkeypatch, write
):
    # bulk_insert writes the new entries, bulk_update the changed ones.
    monkeypatch.setattr(f"exchange.resource.{write}", refuse_in_the_database)
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


def test_more_programmes_than_an_entry_may_have_are_a_row_error(administrator, municipality):
    names = "; ".join(f"Programma {n}" for n in range(31))
    table = full_row_file(["Biedrība A", "Talsu novads", "", "", "", "", "", names, "", "", "", ""])
    report = run_import(table, actor=administrator, dry_run=False)
    assert report.rows[0].messages == [
        "Programmes and services: This row has 31 programmes and services; an entry can "
        "have at most 30."
    ]
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


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's GIN index")
def test_an_import_leaves_no_pending_entries_in_the_search_index(
    staff, municipality, django_capture_on_commit_callbacks
):
    table = rows_file(*[[f"Biedrība Nr. {n}", "Talsu novads", "", ""] for n in range(30)])
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(table, actor=staff, dry_run=False)
    assert report.written
    with connection.cursor() as cursor:
        # The number of pending-list pages it had to move: none left by the import.
        cursor.execute("SELECT gin_clean_pending_list('orgs_org_search_gin'::regclass)")
        assert cursor.fetchone()[0] == 0
