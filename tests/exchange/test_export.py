import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from exchange.export import PUBLIC_COLUMNS, STAFF_COLUMNS, export_rows
from orgs.models import Organization
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_public_export_has_published_entries_and_public_fields_only(client, organization):
    organization.contact_person = "Ilga Zariņa"
    organization.phone = "+371 2000 0000"
    organization.phone_public = True
    organization.save()
    OrganizationFactory(name="Gaidošā", status=Organization.Status.PENDING)
    OrganizationFactory(name="Noraidītā", status=Organization.Status.REJECTED)

    rows = csv_rows(client.get("/en/organizations/export/"))

    assert rows[0][0] == "Name"
    names = [row[0] for row in rows[1:]]
    assert names == ["Biedrība „Brīnumiņš”"]
    assert "Ilga Zariņa" not in rows[1]  # no consent
    assert "'+371 2000 0000" in rows[1]  # not run as a formula
    assert "Status" not in rows[0]


def test_the_public_export_follows_the_directory_filters(client, organization):
    OrganizationFactory(name="Sporta klubs", home_municipality=organization.home_municipality)
    rows = csv_rows(client.get("/en/organizations/export/", {"q": "brinumins"}))
    assert [row[0] for row in rows[1:]] == ["Biedrība „Brīnumiņš”"]


def test_the_xlsx_export_opens_in_a_spreadsheet(client, organization):
    response = client.get("/en/organizations/export/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    assert rows[1][0] == "Biedrība „Brīnumiņš”"


def test_staff_export_their_pending_entries_with_status(client, staff, municipality):
    OrganizationFactory(
        name="Gaidošā", home_municipality=municipality, status=Organization.Status.PENDING
    )
    OrganizationFactory(name="Citur gaida", status=Organization.Status.PENDING)
    client.force_login(staff)
    rows = csv_rows(client.get("/en/moderation/export/"))
    status_column = rows[0].index("Status")
    by_name = {row[0]: row[status_column] for row in rows[1:]}
    assert by_name["Gaidošā"] == "pending"
    assert "Citur gaida" not in by_name


def test_representatives_and_the_public_get_no_staff_export(client, representative):
    assert client.get("/en/moderation/export/").status_code == 302
    client.force_login(representative)
    assert client.get("/en/moderation/export/").status_code == 403


def test_the_export_queries_grow_with_chunks_not_rows(client, municipality, monkeypatch):
    from exchange import export

    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            csv_rows(client.get(url))
        return len(captured)

    for n in range(3):
        OrganizationFactory(home_municipality=municipality, name=f"Biedrība {n}")
    few = queries("/en/organizations/export/")
    for n in range(30):
        OrganizationFactory(home_municipality=municipality, name=f"Biedrība x{n}")
    assert queries("/en/organizations/export/") == few
    monkeypatch.setattr(export, "CHUNK", 10)  # four chunks now: 7 queries each
    assert queries("/en/organizations/export/") == few + 3 * 7


# The rows themselves (export.export_rows), without a response around them.


def test_the_rows_are_the_header_then_one_list_of_cells_per_entry_by_id(municipality):
    second = OrganizationFactory(name="Sporta klubs", home_municipality=municipality)
    first = OrganizationFactory(name="Biedrība", home_municipality=municipality)
    ServiceFactory(organization=first, name="Pulciņi", position=1)
    ServiceFactory(organization=first, name="Nometnes", position=0)
    organizations = Organization.objects.filter(pk__in=[first.pk, second.pk])

    rows = list(export_rows(organizations, staff=False))

    assert rows[0] == [str(label) for _key, label in PUBLIC_COLUMNS]
    by_column = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [row["Name"] for row in by_column] == ["Sporta klubs", "Biedrība"]  # by id
    assert by_column[1]["Programmes and services"] == "Nometnes; Pulciņi"
    assert by_column[1]["Home municipality"] == municipality.name
    staff_rows = list(export_rows(organizations, staff=True))
    assert staff_rows[0] == [str(label) for _key, label in STAFF_COLUMNS]
    assert len(staff_rows[1]) == len(STAFF_COLUMNS)


def test_the_rows_carry_a_contact_person_only_with_consent_but_to_staff(municipality, in_english):
    OrganizationFactory(
        home_municipality=municipality, contact_person="Ilga Zariņa", contact_person_consent=False
    )
    header, public = export_rows(Organization.objects.all(), staff=False)
    _header, staff = export_rows(Organization.objects.all(), staff=True)
    column = header.index("Contact person")
    assert public[column] == "" and staff[column] == "Ilga Zariņa"


def test_the_rows_leave_formula_escaping_to_the_response(municipality, in_english):
    OrganizationFactory(home_municipality=municipality, phone="+371 2000 0000", phone_public=True)
    header, row = export_rows(Organization.objects.all(), staff=False)
    assert row[header.index("Phone")] == "+371 2000 0000"  # lib/spreadsheets escapes it
