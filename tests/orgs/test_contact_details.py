"""Who sees an entry's e-mail and phone: the public only where its representatives chose
so; municipal staff, portal administrators and the entry's representatives always."""

import csv
import io
import json
import re
import zipfile

import pytest
import tablib
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from openpyxl import load_workbook

from exchange.readers import Table, read_table
from exchange.services import run_import
from orgs.models import Organization, OrganizationChange
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .helpers import registration_data

pytestmark = pytest.mark.django_db

EMAIL = "ilga.zarina@example.lv"
PHONE = "+371 2612 3456"


@pytest.fixture
def hidden(organization):
    """A published entry whose e-mail and phone are a volunteer's own, kept from the public."""
    Organization.objects.filter(pk=organization.pk).update(
        email=EMAIL, phone=PHONE, email_public=False, phone_public=False
    )
    organization.refresh_from_db()
    return organization


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def public_responses(client, organization):
    """Every public page and download that could carry the entry's contact details."""
    slug = organization.slug
    municipality = organization.home_municipality
    return {
        "page": client.get(f"/en/organizations/{slug}/"),
        "municipality": client.get(f"/en/municipalities/{municipality.slug}/"),
        "directory": client.get("/en/organizations/", {"q": "Brīnumiņš"}),
        "csv": client.get("/en/organizations/export/"),
        "xlsx": client.get("/en/organizations/export/", {"format": "xlsx"}),
        "hsds": client.get("/en/organizations/export/hsds.zip"),
    }


def texts(name, response):
    """The response's text, a zip's or a workbook's opened (their bytes are compressed)."""
    content = body(response)
    if name == "hsds":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    if name == "xlsx":
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
        )
    return content.decode("utf-8")


def digits(text):
    return re.sub(r"\D", "", text)


class TestThePublic:
    @pytest.mark.parametrize("who", ["anonymous", "outsider", "other_representative"])
    def test_a_hidden_e_mail_and_phone_are_in_no_public_page_or_download(self, client, hidden, who):
        if who == "outsider":
            client.force_login(UserFactory())
        elif who == "other_representative":
            other = OrganizationFactory(home_municipality=hidden.home_municipality)
            client.force_login(OrganizationMembershipFactory(organization=other).user)
        for name, response in public_responses(client, hidden).items():
            assert response.status_code == 200, name
            text = texts(name, response)
            assert "Brīnumiņš" in text, name  # the entry is there, its details are not
            assert EMAIL not in text, name
            assert "ilga.zarina" not in text, name
            assert digits(PHONE) not in digits(text), name

    def test_the_page_offers_the_contact_form_instead(self, client, hidden):
        response = client.get(f"/en/organizations/{hidden.slug}/")
        assert f'href="/en/organizations/{hidden.slug}/contact/"' in response.text
        assert "No contact details published." in response.text

    def test_the_json_ld_has_neither(self, client, hidden):
        response = client.get(f"/en/organizations/{hidden.slug}/")
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text)
        data = json.loads(script.group(1))
        assert "email" not in data and "telephone" not in data

    def test_a_public_e_mail_and_phone_are_shown_and_exported(self, client, hidden):
        Organization.objects.filter(pk=hidden.pk).update(email_public=True, phone_public=True)
        responses = public_responses(client, hidden)
        for name in ("page", "csv", "xlsx", "hsds"):
            text = texts(name, responses[name])
            assert EMAIL in text, name
            assert digits(PHONE) in digits(text), name
        assert "Not public" not in responses["page"].text

    def test_the_e_mail_alone_can_be_public(self, client, hidden):
        Organization.objects.filter(pk=hidden.pk).update(email_public=True)
        for name, response in public_responses(client, hidden).items():
            text = texts(name, response)
            assert digits(PHONE) not in digits(text), name
        assert EMAIL in texts("csv", client.get("/en/organizations/export/"))

    def test_the_search_text_holds_neither_and_searching_for_them_finds_nothing(
        self, client, hidden
    ):
        assert EMAIL not in hidden.search_text and "zarina" not in hidden.search_text
        assert digits(PHONE) not in digits(hidden.search_text)
        for query in (EMAIL, "zarina", "26123456"):
            response = client.get("/en/organizations/", {"q": query})
            assert hidden.get_absolute_url() not in response.text, query


class TestInsiders:
    @pytest.mark.parametrize(
        "who", ["representative", "staff", "coordinator", "other_staff", "administrator"]
    )
    def test_staff_administrators_and_the_representatives_see_both_marked_not_public(
        self, client, hidden, who, representative, staff, coordinator, administrator
    ):
        users = {
            "representative": representative,
            "staff": staff,
            "coordinator": coordinator,
            "other_staff": MunicipalityMembershipFactory(municipality=MunicipalityFactory()).user,
            "administrator": administrator,
        }
        client.force_login(users[who])
        response = client.get(f"/en/organizations/{hidden.slug}/")
        assert f'href="mailto:{EMAIL}"' in response.text
        assert PHONE in response.text
        assert response.text.count("Not public: only municipal staff") == 2
        # Search engines and the public downloads still get the public view.
        assert EMAIL not in re.search(r"ld\+json\">(.*?)</script>", response.text).group(1)
        assert EMAIL not in texts("csv", client.get("/en/organizations/export/"))

    def test_the_staff_export_has_both_and_says_they_are_not_public(self, client, hidden, staff):
        client.force_login(staff)
        content = body(client.get("/en/moderation/export/")).decode("utf-8")
        (row,) = list(csv.DictReader(io.StringIO(content[1:])))
        assert row["Contact e-mail"] == EMAIL
        assert row["Phone"] == "'" + PHONE  # a leading + is escaped for spreadsheets
        assert (row["E-mail shown publicly"], row["Phone shown publicly"]) == ("no", "no")


class TestTheChoice:
    def test_registration_asks_with_unticked_boxes_in_plain_words(self, client, municipality):
        response = client.get("/en/organizations/register/")
        for name in ("email_public", "phone_public"):
            box = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.text).group(0)
            assert 'type="checkbox"' in box and "checked" not in box
        assert "Show the e-mail address on the organization&#x27;s public page" in response.text
        assert "Municipal staff and your organization's representatives see it" in (response.text)

    @pytest.mark.parametrize(("ticked", "public"), [({}, False), ({"email_public": "on"}, True)])
    def test_a_registered_entry_shows_the_e_mail_only_if_the_box_was_ticked(
        self, client, municipality, ticked, public
    ):
        client.post("/en/organizations/register/", registration_data(municipality, **ticked))
        entry = Organization.objects.get()
        assert entry.email == "info@zilite.example.lv"
        assert (entry.email_public, entry.phone_public) == (public, False)

    def test_a_new_entry_shows_neither_by_default(self, municipality):
        entry = Organization.objects.create(
            name="Biedrība", slug="biedriba", type="association", country="LV",
            home_municipality=municipality, email=EMAIL, phone=PHONE,
        )  # fmt: skip
        assert (entry.public_email, entry.public_phone) == ("", "")

    def test_a_representative_changes_the_choice_on_the_edit_page_and_it_is_recorded(
        self, client, hidden, representative
    ):
        client.force_login(representative)
        page = client.get(f"/en/organizations/{hidden.slug}/edit/")
        assert 'name="email_public"' in page.text and 'name="phone_public"' in page.text
        data = {
            "name": hidden.name,
            "type": hidden.type,
            "home_municipality": str(hidden.home_municipality_id),
            "email": EMAIL,
            "phone": PHONE,
            "phone_public": "on",
            "version": str(hidden.version),
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
        }
        response = client.post(f"/en/organizations/{hidden.slug}/edit/", data)
        assert response.status_code == 302
        hidden.refresh_from_db()
        assert (hidden.email_public, hidden.phone_public) == (False, True)
        change = OrganizationChange.objects.get(organization=hidden)
        assert change.fields["phone_public"] == {"old": False, "new": True}

    def test_the_privacy_page_says_who_sees_them(self, client):
        text = client.get("/en/privacy/").text
        assert "to search engines only if you tick their boxes" in text
        assert "Messages through the contact form" in text
        assert "its contact e-mail, phone, website and address – is published" not in text


MIGRATION = ("orgs", "0015_contact_details_public")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="slow on SQLite (table rebuilds)")
@pytest.mark.django_db(transaction=True)
def test_entries_listed_before_the_choice_existed_stay_public_and_new_ones_are_hidden():
    executor = MigrationExecutor(connection)
    (previous,) = [
        node.key
        for node in executor.loader.graph.node_map[MIGRATION].parents
        if node.key[0] == "orgs"
    ]
    executor.migrate([previous])
    try:
        executor.loader.build_graph()
        apps = executor.loader.project_state([previous]).apps
        municipality = apps.get_model("orgs", "Municipality").objects.create(
            name="Talsu novads", slug="talsi", country="LV", time_zone="Europe/Riga"
        )
        old = apps.get_model("orgs", "Organization").objects.create(
            name="Biedrība", slug="biedriba", type="association", country="LV",
            home_municipality=municipality, email=EMAIL, phone=PHONE,
        )  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    old = Organization.objects.get(pk=old.pk)
    assert (old.public_email, old.public_phone) == (EMAIL, PHONE)
    with connection.cursor() as cursor:  # a row written without the columns: hidden
        cursor.execute(
            "INSERT INTO orgs_organization (name, short_name, slug, type, legal_form,"
            " is_social_enterprise, registration_number, country, home_municipality_id,"
            " address, description, languages, email, phone, website, contact_person,"
            " contact_person_consent, status, rejection_reason, created_at, updated_at,"
            " version, search_text, facet_tokens)"
            " VALUES ('Cita', '', 'cita', 'association', '', false, '', 'LV', %s, '', '',"
            " '[]', %s, '', '', '', false, 'published', '', now(), now(), 1, '', '')",
            [old.home_municipality_id, EMAIL],
        )
    assert Organization.objects.get(slug="cita").public_email == ""


def test_an_imported_entry_shows_neither_until_a_representative_chooses(staff, municipality):
    # Staff vouch for an entry, not for whose address or phone it gives.
    dataset = tablib.Dataset(headers=["name", "home_municipality", "email", "phone"])
    dataset.append(["Biedrība Zīlīte", "Talsu novads", EMAIL, PHONE])
    report = run_import(Table(dataset=dataset, kind="csv"), actor=staff, dry_run=False)
    assert report.counts.get("new") == 1, report.notes
    entry = Organization.objects.get(name="Biedrība Zīlīte")
    assert (entry.email, entry.phone) == (EMAIL, PHONE)
    assert (entry.public_email, entry.public_phone) == ("", "")


def test_the_public_export_read_back_keeps_a_hidden_e_mail_and_phone_and_clears_a_public_one(
    client, staff, hidden
):
    content = body(client.get("/en/organizations/export/"))
    report = run_import(read_table(content, "organizations.csv"), actor=staff, dry_run=False)
    assert report.counts == {"unchanged": 1}, report.rows[0].messages
    hidden.refresh_from_db()
    assert (hidden.email, hidden.phone) == (EMAIL, PHONE)

    Organization.objects.filter(pk=hidden.pk).update(email_public=True)
    dataset = tablib.Dataset(headers=["name", "home_municipality", "email", "phone"])
    dataset.append([hidden.name, "Talsu novads", "", ""])
    run_import(Table(dataset=dataset, kind="csv"), actor=staff, dry_run=False)
    hidden.refresh_from_db()
    assert (hidden.email, hidden.phone) == ("", PHONE)
