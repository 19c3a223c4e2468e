import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import MunicipalityCount, Organization
from tests.factories import MunicipalityFactory, OrganizationFactory


def test_it_redirects_the_root_to_a_language(client, db):
    response = client.get("/", headers={"accept-language": "lv"})
    assert response.status_code == 302
    assert response["Location"] == "/lv/"


def test_it_defaults_to_latvian(client, db):
    response = client.get("/", headers={"accept-language": "ja"})
    assert response["Location"] == "/lv/"


def test_it_lists_municipalities_with_published_organizations_only(client, db):
    talsi = MunicipalityFactory(name="Talsu novads")
    OrganizationFactory(home_municipality=talsi)
    OrganizationFactory(home_municipality=talsi, status=Organization.Status.PENDING)
    OrganizationFactory(home_municipality=talsi, status=Organization.Status.REJECTED)
    call_command("refresh_directory_counts", stdout=io.StringIO())

    response = client.get("/en/")

    assert response.status_code == 200
    assert "Talsu novads" in response.text
    assert "1 organization in the directory" in response.text
    assert "Organizations counted on" in response.text


def test_it_reads_the_counts_in_one_query_and_never_counts(client, db):
    for n in range(5):
        OrganizationFactory(home_municipality=MunicipalityFactory(name=f"M{n}"))
    call_command("refresh_directory_counts", stdout=io.StringIO())
    for n in range(5):
        OrganizationFactory(home_municipality=MunicipalityFactory(name=f"N{n}"))
    call_command("refresh_directory_counts", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/")
    assert len(queries) == 1
    assert "COUNT(" not in queries[0]["sql"].upper()
    assert response.text.count("1 organization in the directory") == 10


def test_a_fresh_install_shows_the_municipalities_and_enqueues_a_count(
    client, db, django_capture_on_commit_callbacks
):
    OrganizationFactory(home_municipality=MunicipalityFactory(name="Talsu novads"))
    with django_capture_on_commit_callbacks() as queued:
        response = client.get("/en/")
    assert "Talsu novads" in response.text
    assert "in the directory" not in response.text
    assert len(queued) == 1
    for callback in queued:  # the worker counts
        callback()
    assert MunicipalityCount.objects.get().published_organizations == 1
    assert "1 organization in the directory" in client.get("/en/").text


@pytest.mark.parametrize("code", ["lv", "en", "lt", "sv", "pt", "el"])
def test_it_speaks_every_portal_language(client, db, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    assert f'<html lang="{code}">' in response.text


def test_it_offers_the_same_page_in_every_language(client, db):
    response = client.get("/en/accounts/login/")
    for code in ["lv", "lt", "sv", "pt", "el"]:
        assert f'href="/{code}/accounts/login/"' in response.text


def test_it_has_a_skip_link_and_landmarks(client, db):
    html = client.get("/en/").text
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html


def test_it_refuses_post(client, db):
    assert client.post("/en/").status_code == 405


def test_it_links_to_registering_the_roadmap_and_the_blank_forms(client, db):
    html = client.get("/en/").text
    assert 'href="/en/organizations/register/"' in html
    assert 'href="/en/roadmap/about/"' in html
    assert 'href="/en/roadmaps/forms/municipality.pdf"' in html
    assert 'href="/en/roadmaps/forms/community.pdf"' in html
