"""The language switcher: this page in every language, from the match the request resolved
to (roadmap_portal.context_processors.language_links), as Django's translate_url gives it."""

import re

import pytest
from django.conf import settings
from django.urls import translate_url

pytestmark = pytest.mark.django_db


def switcher_links(response):
    nav = re.search(
        r'<nav aria-label="[^"]*" class="language-switcher">(.*?)</nav>', response.text, re.S
    )
    return {
        code: url.replace("&amp;", "&")
        for url, code in re.findall(r'<a href="([^"]*)" lang="([^"]*)"', nav[1])
    }


@pytest.mark.parametrize(
    "path",
    [
        "/lv/",
        "/lv/organizations/",
        "/lv/organizations/?q=jaun&country=LV&page=2",
        "/en/organizations/{organization}/",
        "/sv/municipalities/{municipality}/",
        "/lv/no-such-page/",
    ],
)
def test_every_language_links_to_the_same_page(client, organization, path):
    path = path.format(
        organization=organization.slug, municipality=organization.home_municipality.slug
    )
    response = client.get(path)
    links = switcher_links(response)
    assert links == {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    if "no-such-page" not in path:
        assert links["lt"].startswith("/lt/") and links["lt"] != path
