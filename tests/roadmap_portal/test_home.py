import pytest
from django.core.cache import cache

from orgs.models import Organization
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

    response = client.get("/en/")

    assert response.status_code == 200
    assert "Talsu novads" in response.text
    assert "1 organization in the directory" in response.text


def test_it_keeps_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    for n in range(5):
        OrganizationFactory(home_municipality=MunicipalityFactory(name=f"M{n}"))
    with django_assert_num_queries(1):
        client.get("/en/")
    with django_assert_num_queries(0):
        client.get("/en/")  # the counts are cached
    for n in range(5):
        OrganizationFactory(home_municipality=MunicipalityFactory(name=f"N{n}"))
    cache.clear()
    with django_assert_num_queries(1):
        client.get("/en/")


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
