import pytest

from orgs.services import unique_slug, unique_slugs
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_greek_name_gets_a_transliterated_address():
    assert unique_slug("Δήμος Αγλαντζιάς") == "dimos-aglantzias"


def test_two_greek_names_get_addresses_of_their_own():
    assert unique_slugs(["Κέντρο Νεότητας", "Σύλλογος Γονέων"]) == [
        "kentro-neotitas",
        "syllogos-goneon",
    ]


def test_latvian_and_lithuanian_letters_keep_the_addresses_they_had():
    assert unique_slug("Brīnumiņš") == "brinumins"
    assert unique_slug("Biedrība „Zīlīte”") == "biedriba-zilite"
    assert unique_slug("Šiaulių „Žvaigždė“") == "siauliu-zvaigzde"
    assert unique_slug("Trakų jaunimo centras") == "traku-jaunimo-centras"


def test_a_taken_greek_address_gets_a_number():
    OrganizationFactory(slug="dimos-aglantzias")
    assert unique_slug("Δήμος Αγλαντζιάς") == "dimos-aglantzias-2"


def test_a_name_of_punctuation_only_still_gets_an_address():
    assert unique_slug("„…”") == "organization"
