"""The import pages (exchange/views.py): the upload, the preview and the result, as the
uploader and as colleagues see them (the list and an import's page follow one rule,
exchange/access.py). The exports' pages are in test_export.py and test_hsds_write.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange.models import ImportRecord
from orgs.models import (
    FieldOfActivity,
    Organization,
    OrganizationChange,
)
from tests.exchange.helpers import (
    HOSTILE_FILES,
    TAKEOVER,
    csv_bytes,
    lose_the_write,
    refuse_in_the_database,
)
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

CSV = b"Name,Home municipality\nBiedriba A,Talsu novads\n"


def upload_and_import(client, user):
    client.force_login(user)
    response = client.post("/en/moderation/import/", {"file": SimpleUploadedFile("dati.csv", CSV)})
    client.post(response["Location"])
    return ImportRecord.objects.get(created_by=user)


def test_a_colleague_finds_an_import_in_the_list_and_reads_its_result(
    client, staff, coordinator, municipality
):
    record = upload_and_import(client, staff)
    assert record.status == ImportRecord.Status.IMPORTED
    client.force_login(coordinator)

    listing = client.get("/en/moderation/import/").content.decode()
    assert f'href="/en/moderation/import/{record.pk}/"' in listing

    page = client.get(f"/en/moderation/import/{record.pk}/")
    assert page.status_code == 200
    assert "Biedriba A" in page.content.decode()


def test_a_colleague_sees_a_failed_import_without_the_button_to_start_it_again(
    client, staff, coordinator
):
    record = upload_and_import(client, staff)
    ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.FAILED)

    client.force_login(staff)
    assert 'value="retry"' in client.get(f"/en/moderation/import/{record.pk}/").content.decode()
    client.force_login(coordinator)
    page = client.get(f"/en/moderation/import/{record.pk}/").content.decode()
    assert "The import failed" in page
    assert 'name="action"' not in page
    assert client.post(f"/en/moderation/import/{record.pk}/", {"action": "retry"}).status_code == (
        403
    )


def test_staff_of_another_municipality_do_not_find_it_in_their_list(client, staff):
    record = upload_and_import(client, staff)
    neighbour = MunicipalityMembershipFactory(municipality=MunicipalityFactory()).user
    client.force_login(neighbour)
    assert record.filename not in client.get("/en/moderation/import/").content.decode()
    assert client.get(f"/en/moderation/import/{record.pk}/").status_code == 404


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_uploads_get_the_error_summary_and_store_nothing(client, staff, case):
    content, name = HOSTILE_FILES[case]
    client.force_login(staff)
    response = client.post("/en/moderation/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert "There is a problem" in response.text and "Error: " in response.text
    assert not ImportRecord.objects.exists()


def test_the_page_says_the_database_refused_the_import_and_keeps_the_file(
    client, staff, municipality, monkeypatch
):
    client.force_login(staff)
    upload = client.post(
        "/en/moderation/import/",
        {"file": SimpleUploadedFile("d.csv", b"Name,Home municipality\nBiedriba A,Talsu novads\n")},
    )
    monkeypatch.setattr("exchange.resource.bulk_insert", refuse_in_the_database)
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.FAILED and bytes(record.content)
    page = client.get(upload["Location"]).text
    assert "Nothing was written: the database refused the import. Try again." in page
    assert "Start again from the same file" in page and "Imported." not in page
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
    lose_the_write(monkeypatch)
    client.post(upload["Location"])
    record = ImportRecord.objects.get()
    assert "updated" not in record.counts
    page = client.get(upload["Location"]).text
    assert "Imported." not in page and "Updated: <strong>3</strong>" not in page
    assert "the database holds 0 new and 0 updated ones" in page
    assert not OrganizationChange.objects.exists()


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
