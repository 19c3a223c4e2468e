import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from orgs.models import FieldOfActivity, NeedKind, Organization, TargetGroup
from orgs.services import organization_reindex
from tests.factories import (
    DepartmentFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def jsonld(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(match[1])


class TestDirectory:
    def test_it_lists_published_organizations_for_anyone(self, client, organization):
        OrganizationFactory(name="Gaidošā biedrība", status=Organization.Status.PENDING)
        response = client.get("/en/organizations/")
        assert response.status_code == 200
        assert "Biedrība „Brīnumiņš”" in response.text
        assert "Gaidošā" not in response.text
        assert "1 organization" in response.text

    def test_it_searches_without_accents(self, client, organization):
        response = client.get("/en/organizations/", {"q": "brinumins"})
        assert "Biedrība „Brīnumiņš”" in response.text

    def test_it_reports_an_invalid_filter_and_still_answers(self, client, organization):
        response = client.get("/en/organizations/", {"municipality": "abc", "page": "x"})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert response.text.count("<title>Error:") == 1
        assert "Biedrība „Brīnumiņš”" in response.text  # the valid part still searches

    def test_it_says_when_nothing_matches(self, client, organization):
        response = client.get("/en/organizations/", {"q": "nekasneatbilst"})
        assert "No organization matches" in response.text

    def test_it_paginates_with_the_filters_kept(self, client, municipality):
        for n in range(25):
            OrganizationFactory(name=f"Biedrība {n:02d}", home_municipality=municipality)
        page_one = client.get("/en/organizations/", {"q": "biedriba", "sort": "name"})
        assert "Page 1 of 2" in page_one.text
        assert 'href="?q=biedriba&amp;sort=name&amp;page=2"' in page_one.text
        page_two = client.get("/en/organizations/", {"q": "biedriba", "sort": "name", "page": 2})
        assert "Biedrība 24" in page_two.text
        assert "Biedrība 00" not in page_two.text
        # The links every list has (includes/pagination.html): page 1 without a number.
        assert 'href="?q=biedriba&amp;sort=name" rel="prev">Previous' in page_two.text

    def test_its_number_of_queries_does_not_grow_with_the_rows(self, client, municipality):
        def queries_for(url):
            cache.clear()  # count the filter lists' queries too
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            return len(captured)

        for n in range(3):
            OrganizationFactory(name=f"Biedrība {n}", home_municipality=municipality)
        urls = [
            "/en/organizations/",
            "/en/organizations/?q=biedriba",
            "/en/organizations/?country=LV",
        ]
        few = [queries_for(url) for url in urls]
        for n in range(30):
            OrganizationFactory(name=f"Biedrība x{n}", home_municipality=MunicipalityFactory())
        assert [queries_for(url) for url in urls] == few

    def test_it_refuses_post(self, client, db):
        assert client.post("/en/organizations/").status_code == 405


class TestOrganizationPage:
    def test_it_shows_everything_public(self, client, organization):
        organization.description = "Atbalsts ģimenēm"
        organization.email = "info@example.org"
        organization.email_public = True
        organization.save()
        ServiceFactory(organization=organization, name="Dienas centrs")
        response = client.get(f"/en/organizations/{organization.slug}/")
        assert response.status_code == 200
        for text in [
            "Biedrība „Brīnumiņš”",
            "Atbalsts ģimenēm",
            "info@example.org",
            "Dienas centrs",
        ]:
            assert text in response.text

    def test_it_reads_the_entry_and_all_it_lists_in_two_queries_in_their_order(
        self, client, organization
    ):
        organization.email = "info@example.org"  # else a third asks for a representative
        organization.save()
        fields = list(FieldOfActivity.objects.all()[:3])
        needs = list(NeedKind.objects.all()[:4])
        group = TargetGroup.objects.first()
        organization.fields_of_activity.set(reversed(fields))
        organization.target_groups.set([group])
        organization.offers.set(needs[:2])
        organization.seeks.set(needs[2:])
        organization.municipalities_served.set(
            [
                MunicipalityFactory(name="Valmieras novads"),
                MunicipalityFactory(name="Alūksnes novads"),
            ]
        )
        ServiceFactory(organization=organization, name="Otrais pakalpojums", position=2)
        ServiceFactory(organization=organization, name="Pirmais pakalpojums", position=1)
        url = f"/en/organizations/{organization.slug}/"
        client.get(url)  # the directory's lists, which give the taxonomies' names, cached
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(queries) == 2, [q["sql"] for q in queries]
        text = response.text
        with translation.override("en"):
            in_order = [  # the page's order: offers, seeks, fields, target groups
                *(n.name for n in needs),
                *(f.name for f in fields),
                group.name,
                "Alūksnes novads",
                "Valmieras novads",
            ]
        found = [text.index(name, text.index("<main")) for name in in_order]
        assert found == sorted(found)
        assert text.index("Pirmais pakalpojums") < text.index("Otrais pakalpojums")
        assert jsonld(response)["areaServed"][1:] == [
            {"@type": "AdministrativeArea", "name": "Alūksnes novads"},
            {"@type": "AdministrativeArea", "name": "Valmieras novads"},
        ]

    def test_a_renamed_taxonomy_entry_shows_at_once(
        self, client, organization, django_capture_on_commit_callbacks
    ):
        field = FieldOfActivity.objects.first()
        organization.fields_of_activity.set([field])
        url = f"/en/organizations/{organization.slug}/"
        client.get(url)
        with django_capture_on_commit_callbacks(execute=True):
            field.name_en = "Renamed field"
            field.save()
        assert "Renamed field" in client.get(url).text
        assert "Renamed field" in client.get("/en/organizations/").text

    def test_an_entry_newer_than_the_cached_lists_is_shown_too(self, client, organization):
        client.get(f"/en/organizations/{organization.slug}/")
        # Created in the test's transaction: the cached lists are not dropped until a commit.
        field = FieldOfActivity.objects.create(slug="new-field", name="Jauna joma", position=99)
        organization.fields_of_activity.set([field])
        assert "Jauna joma" in client.get(f"/lv/organizations/{organization.slug}/").text

    def test_it_publishes_schema_org_data(self, client, organization):
        ServiceFactory(organization=organization, name="Dienas centrs")
        data = jsonld(client.get(f"/en/organizations/{organization.slug}/"))
        assert data["@type"] == "Organization"
        assert data["name"] == "Biedrība „Brīnumiņš”"
        assert data["address"]["addressCountry"] == "LV"
        assert data["makesOffer"][0]["itemOffered"]["name"] == "Dienas centrs"
        assert data["url"].endswith(f"/en/organizations/{organization.slug}/")

    def test_user_text_cannot_break_out_of_the_json_ld(self, client, organization):
        organization.description = '</script><script>alert("x")</script>'
        organization.save()
        response = client.get(f"/en/organizations/{organization.slug}/")
        assert '<script>alert("x")' not in response.text
        assert jsonld(response)["description"] == {
            "@value": organization.description,
            "@language": "lv",
        }

    def test_it_shows_the_contact_person_only_with_consent(self, client, organization):
        organization.contact_person = "Ilga Zariņa"
        organization.save()
        url = f"/en/organizations/{organization.slug}/"
        assert "Ilga Zariņa" not in client.get(url).text
        organization.contact_person_consent = True
        organization.save()
        response = client.get(url)
        assert "Ilga Zariņa" in response.text
        assert jsonld(response)["contactPoint"]["name"] == "Ilga Zariņa"

    def test_it_marks_an_entry_nobody_confirmed_for_a_year(self, client, organization):
        organization.last_confirmed_at = timezone.now() - datetime.timedelta(days=400)
        organization.save()
        response = client.get(f"/en/organizations/{organization.slug}/")
        assert "Nobody has confirmed this entry for over a year" in response.text

    @pytest.mark.parametrize("status", ["pending", "rejected", "archived"])
    def test_the_public_gets_404_for_an_entry_that_is_not_published(self, client, status):
        hidden = OrganizationFactory(status=status)
        assert client.get(f"/en/organizations/{hidden.slug}/").status_code == 404

    def test_staff_of_another_municipality_get_404_for_a_pending_entry(self, client, organization):
        organization.status = Organization.Status.PENDING
        organization.save()
        other_staff = MunicipalityMembershipFactory().user
        client.force_login(other_staff)
        assert client.get(f"/en/organizations/{organization.slug}/").status_code == 404

    def test_insiders_see_a_pending_entry_marked_as_not_public(
        self, client, organization, representative, staff, administrator
    ):
        organization.status = Organization.Status.PENDING
        organization.save()
        for user in [representative, staff, administrator]:
            client.force_login(user)
            response = client.get(f"/en/organizations/{organization.slug}/")
            assert response.status_code == 200
            assert "Not public" in response.text

    def test_it_answers_404_for_an_unknown_address(self, client, db):
        assert client.get("/en/organizations/nav-tadas/").status_code == 404

    def test_it_refuses_post(self, client, organization):
        assert client.post(f"/en/organizations/{organization.slug}/").status_code == 405


class TestMunicipalityPage:
    def test_it_shows_departments_and_the_organizations_that_serve_it(self, client, municipality):
        DepartmentFactory(
            municipality=municipality,
            name="Sociālais dienests",
            contact_person="Māris Kalniņš",
            email="socialais@example.lv",
        )
        OrganizationFactory(name="Vietējā biedrība", home_municipality=municipality)
        visitor = OrganizationFactory(name="Kaimiņu biedrība")
        visitor.municipalities_served.add(municipality)
        organization_reindex(organization=visitor)
        OrganizationFactory(
            name="Gaidošā", home_municipality=municipality, status=Organization.Status.PENDING
        )
        OrganizationFactory(name="Citur")

        response = client.get(f"/en/municipalities/{municipality.slug}/")

        assert response.status_code == 200
        for text in ["Sociālais dienests", "Māris Kalniņš", "socialais@example.lv"]:
            assert text in response.text
        assert "Vietējā biedrība" in response.text
        assert "Kaimiņu biedrība" in response.text
        assert "Gaidošā" not in response.text
        assert "Citur" not in response.text

    def test_its_number_of_queries_does_not_grow_with_the_organizations_listed(
        self, client, municipality
    ):
        """The list reads only the columns it shows (orgs.search.directory.LISTED_FIELDS):
        a column the template asks for beyond them would cost a query per row."""

        def queries():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"/en/municipalities/{municipality.slug}/")
            assert response.status_code == 200
            return len(captured), response.text

        OrganizationFactory(name="Biedrība 0", home_municipality=municipality)
        few, _text = queries()
        for n in range(1, 25):
            served = OrganizationFactory(name=f"Biedrība {n:02}")
            served.municipalities_served.add(municipality)
        many, text = queries()
        assert many == few
        assert ">Biedrība 0<" in text
        assert "Biedrība 01" in text
        assert "Biedrība 24" not in text  # the first 20 in name order

    def test_it_answers_404_for_an_unknown_municipality(self, client, db):
        assert client.get("/en/municipalities/nav/").status_code == 404

    def test_it_refuses_post(self, client, municipality):
        assert client.post(f"/en/municipalities/{municipality.slug}/").status_code == 405
