"""The import page with big files (checked and imported by the task worker) and with
Open Referral packages."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from exchange.models import ImportRecord
from exchange.services import ProgressWriter, import_record
from orgs.models import Organization, Service
from tests.exchange.helpers import HSDS_1_1, needs_shared
from tests.factories import MunicipalityMembershipFactory

pytestmark = pytest.mark.django_db

CSV = "Name,Home municipality\nBiedrība A,Talsu novads\nBiedrība B,Talsu novads\n,Talsu novads\n"


@pytest.fixture
def big_is_two_rows(settings):
    settings.IMPORT_BACKGROUND_ROWS = 2


def upload(client, content, name="dati.csv", **data):
    return client.post(
        "/en/moderation/import/", {"file": SimpleUploadedFile(name, content), **data}
    )


def test_a_big_file_is_checked_and_imported_in_the_background_with_its_progress_shown(
    client, staff, municipality, big_is_two_rows, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, CSV.encode())
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.CHECKING and record.rows_total == 3
    page = client.get(response["Location"])
    assert "Checking the file" in page.text and "The file has 3 rows" in page.text
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'id="import-progress"' in fragment.text and "<html" not in fragment.text

    for callback in queued:  # the worker runs the check
        callback()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED
    assert record.counts == {"new": 2, "error": 1}
    done = client.get(response["Location"], headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"
    preview = client.get(response["Location"])
    assert "Preview of the import" in preview.text and "Biedrība B" in preview.text
    assert Organization.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(response["Location"])
    assert confirmed.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.IMPORTED
    assert set(Organization.objects.values_list("name", flat=True)) == {"Biedrība A", "Biedrība B"}
    result = client.get(response["Location"])
    assert "Import result" in result.text and "Imported. Rows with errors were left out." in (
        result.text
    )
    assert client.post(response["Location"]).status_code == 404  # not twice
    record.refresh_from_db()
    assert bytes(record.content) == b"" and len(record.checksum) == 64  # no personal data kept


def test_a_failed_background_import_says_so_and_writes_nothing(
    client, staff, municipality, big_is_two_rows, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, CSV.encode())

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("exchange.tasks.import_record", broken)
    # The worker logs the error and keeps the task's failure; the page shows it.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.FAILED
    assert "The import failed and nothing was written" in client.get(response["Location"]).text
    assert Organization.objects.count() == 0


def test_the_preview_lists_problems_first_and_only_the_first_other_rows(
    client, staff, municipality, monkeypatch
):
    monkeypatch.setattr("exchange.views.PREVIEW_ROWS", 1)
    client.force_login(staff)
    response = upload(client, CSV.encode())
    page = client.get(response["Location"]).text
    assert page.index(">4</td>") < page.index("Biedrība A")  # row 4 has no name
    assert "Biedrība B" not in page
    assert "1 more row without problems is not shown" in page


def test_changing_the_encoding_checks_the_file_again(client, staff, municipality):
    client.force_login(staff)
    response = upload(
        client, "Name;Home municipality\nŽaliasis klubas;Talsu novads\n".encode("cp1257")
    )
    preview = client.get(response["Location"]).text
    assert "Žaliasis" in preview
    assert '<form method="post" class="row' in preview and 'value="reread"' in preview
    again = client.post(
        response["Location"], {"action": "reread", "encoding": "cp1252", "delimiter": ";"}
    )
    assert again.status_code == 302
    assert "Žaliasis" not in client.get(response["Location"]).text
    assert ImportRecord.objects.get().encoding == "cp1252"


def test_reading_the_file_again_is_a_post_and_a_get_with_its_fields_changes_nothing(
    client, staff, municipality
):
    client.force_login(staff)
    response = upload(
        client, "Name;Home municipality\nŽaliasis klubas;Talsu novads\n".encode("cp1257")
    )
    record = ImportRecord.objects.get()
    attempt = record.attempt
    page = client.get(response["Location"], {"encoding": "cp1252", "delimiter": ";"})
    assert page.status_code == 200 and "Žaliasis" in page.text
    record.refresh_from_db()
    assert record.encoding == "cp1257" and record.attempt == attempt
    assert record.status == ImportRecord.Status.PREVIEWED
    # Without its CSRF token, the POST is refused.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    refused = strict.post(
        response["Location"], {"action": "reread", "encoding": "cp1252", "delimiter": ";"}
    )
    assert refused.status_code == 403
    record.refresh_from_db()
    assert record.encoding == "cp1257"


@needs_shared
def test_an_open_referral_package_imports_through_the_same_page(client, staff, municipality):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in HSDS_1_1.glob("*.csv"):
            archive.write(path, f"simple/{path.name}")
    client.force_login(staff)
    response = upload(client, buffer.getvalue(), name="hsds.zip", municipality=municipality.pk)
    preview = client.get(response["Location"]).text
    assert "New: <strong>10</strong>" in preview
    assert "About the file" in preview and "phones.csv" in preview
    assert "Separator" not in preview  # nothing to choose for a package
    client.post(response["Location"])
    assert Organization.objects.filter(home_municipality=municipality).count() == 10
    assert Service.objects.count() == 13


@pytest.mark.skipif(connection.vendor != "postgresql", reason="progress needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_import_transaction_is_still_open(staff, municipality):
    record = ImportRecord.objects.create(
        created_by=staff, filename="x.csv", checksum="0", content=b"", rows_total=1000
    )
    progress = ProgressWriter(record)
    try:
        with transaction.atomic():
            progress(250)
            progress(251)  # only every 250 rows
            # Read on the progress writer's own connection: committed already.
            with progress.connection.cursor() as cursor:
                cursor.execute("SELECT rows_done FROM orgs_importrecord WHERE id = %s", [record.pk])
                assert cursor.fetchone() == (250,)
            transaction.set_rollback(True)  # as an import with all or nothing may
    finally:
        progress.close()
    record.refresh_from_db()
    assert record.rows_done == 250
    assert record.heartbeat_at is not None  # a sign of life, while the import runs


def test_the_import_pages_answer_only_get_and_post_and_only_to_their_owner(
    client, staff, representative, municipality
):
    client.force_login(staff)
    preview = upload(client, CSV.encode())["Location"]
    for url in ("/en/moderation/import/", preview):
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405
    client.force_login(representative)
    assert client.get(preview).status_code == 403
    assert client.post(preview).status_code == 403
    for action in ("import", "reread", "retry"):
        assert client.post(preview, {"action": action}).status_code == 403
    other_staff = MunicipalityMembershipFactory(municipality=municipality).user
    client.force_login(other_staff)  # a colleague sees the import; its uploader acts on it
    assert client.get(preview).status_code == 200
    for action in ("import", "reread", "retry"):
        assert client.post(preview, {"action": action}).status_code == 403
    client.logout()
    assert client.get(preview)["Location"].startswith("/en/accounts/login/")
    assert ImportRecord.objects.get().status == ImportRecord.Status.PREVIEWED


def test_the_open_referral_download_is_read_only(client):
    assert client.post("/en/organizations/export/hsds.zip").status_code == 405
    response = client.get("/en/organizations/export/hsds.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def _stop_the_heartbeat(record, minutes=11):
    ImportRecord.objects.filter(pk=record.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_import_whose_worker_died_is_marked_failed_and_starts_again_from_the_same_file(
    client, staff, municipality, big_is_two_rows, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, CSV.encode())
    with django_capture_on_commit_callbacks() as lost:  # the worker dies with the task
        client.post(response["Location"])
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.IMPORTING
    _stop_the_heartbeat(record, minutes=9)
    assert "Importing" in client.get(response["Location"]).text  # not yet: 9 minutes
    _stop_the_heartbeat(record)

    page = client.get(response["Location"]).text
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.FAILED and record.stalled
    assert "stopped making progress for more than 10 minutes" in page
    assert "Nothing was written" in page and 'value="retry"' in page
    assert bytes(record.content) == CSV.encode()  # kept to start again

    for callback in lost:  # the task wakes up after all: its attempt was given up on
        callback()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.FAILED
    assert not Organization.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(response["Location"], {"action": "retry"})
    assert again.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED and not record.stalled
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.IMPORTED
    assert set(Organization.objects.values_list("name", flat=True)) == {"Biedrība A", "Biedrība B"}
    assert client.post(response["Location"], {"action": "retry"}).status_code == 404


def test_a_check_that_stalled_is_shown_failed_in_the_list_of_imports(client, staff, municipality):
    record = ImportRecord.objects.create(
        created_by=staff,
        municipality=municipality,
        filename="dati.csv",
        checksum="0",
        content=CSV.encode(),
        status=ImportRecord.Status.IMPORTING,
        rows_total=3,
    )
    _stop_the_heartbeat(record)
    fresh = ImportRecord.objects.create(
        created_by=staff,
        filename="jauns.csv",
        checksum="1",
        content=CSV.encode(),
        status=ImportRecord.Status.IMPORTING,
        heartbeat_at=timezone.now(),
    )
    client.force_login(staff)
    page = client.get("/en/moderation/import/").text
    record.refresh_from_db()
    fresh.refresh_from_db()
    assert record.status == ImportRecord.Status.FAILED and "Failed" in page
    assert fresh.status == ImportRecord.Status.IMPORTING


def test_a_run_given_up_on_while_it_runs_writes_nothing(staff, municipality):
    from exchange.tasks import imports_fail_stalled  # here: the other tests run on main too

    record = ImportRecord.objects.create(
        created_by=staff,
        filename="dati.csv",
        checksum="0",
        content=CSV.encode(),
        status=ImportRecord.Status.IMPORTING,
        rows_total=3,
    )
    _stop_the_heartbeat(record)
    assert imports_fail_stalled() == 1
    # The run still holds the attempt it started with.
    import_record(record, write=True, language="en")
    assert not Organization.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.FAILED and record.stalled
    assert bytes(record.content) == CSV.encode()
