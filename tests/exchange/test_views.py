"""The import pages as colleagues see them: the list and an import's page follow one rule
(exchange/access.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange.models import ImportRecord
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory

pytestmark = pytest.mark.django_db

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
