"""The directory search, on whichever database the suite runs (SQLite or PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from orgs.models import FieldOfActivity, NeedKind, Organization, TargetGroup
from orgs.search import DirectoryQuery, Sort, directory, directory_search, normalize
from orgs.services import organization_reindex
from tests.factories import MunicipalityFactory, OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="typo tolerance is PostgreSQL's (pg_trgm)"
)


def names(result):
    return [organization.name for organization in result.organizations]


def find(text="", **filters):
    return directory_search(DirectoryQuery(text=text, **filters))


def test_normalize_folds_case_and_accents():
    assert normalize("Brīnumiņš") == "brinumins"
    assert normalize("ŠIRVINTOS") == "sirvintos"
    assert normalize("Žagarē") == "zagare"
    assert normalize("Gårdsbageriet") == "gardsbageriet"
    assert normalize("Αγλαντζιάς") == normalize("ΑΓΛΑΝΤΖΙΑΣ")


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("brinumins", "Biedrība „Brīnumiņš”"),
        ("BRĪNUMIŅŠ", "Biedrība „Brīnumiņš”"),
        ("sirvintos", "Širvintos jaunimo centras"),
        ("zagare", "Žagarē kopiena"),
        ("zagare", "Žagarės bendruomenė"),
        ("gardsbageriet", "Gårdsbageriet i Mora"),
        ("acao", "Associação Ação Jovem"),
        ("αγλαντζιας", "Σύνδεσμος Νέων Αγλαντζιάς"),
    ],
)
def test_it_ignores_case_and_diacritics(typed, name):
    OrganizationFactory(name=name)
    OrganizationFactory(name="Cita biedrība")
    assert names(find(typed)) == [name]


def test_it_searches_short_name_purpose_and_services():
    by_short_name = OrganizationFactory(name="Biedrība A", short_name="Zīlīte")
    by_purpose = OrganizationFactory(name="Biedrība B", description="Zīlītes pulciņš bērniem")
    by_service = OrganizationFactory(name="Biedrība C")
    ServiceFactory(organization=by_service, name="Zīlīšu vērošana")
    organization_reindex(organization=by_service)
    OrganizationFactory(name="Biedrība D", description="Nekas kopīgs")

    assert set(names(find("zilit"))) == {by_short_name.name, by_purpose.name}
    assert names(find("zilisu verosana")) == [by_service.name]


def test_it_requires_every_word():
    OrganizationFactory(name="Talsu sporta klubs")
    OrganizationFactory(name="Talsu teātris")
    assert names(find("talsu sporta")) == ["Talsu sporta klubs"]


@pytest.mark.parametrize("status", ["pending", "rejected", "archived"])
def test_it_never_shows_entries_that_are_not_published(status):
    OrganizationFactory(name="Slēpta biedrība", status=status)
    assert find("slepta").count == 0
    assert find().organizations == []
    assert find(country="LV").organizations == []


def test_it_filters_by_country_municipality_and_type():
    talsi = MunicipalityFactory(name="Talsu novads", country="LV")
    trakai = MunicipalityFactory(name="Trakų rajonas", country="LT", time_zone="Europe/Vilnius")
    latvian = OrganizationFactory(name="Latvian", home_municipality=talsi)
    lithuanian = OrganizationFactory(
        name="Lithuanian", home_municipality=trakai, type=Organization.Type.FOUNDATION
    )
    serves_talsi = OrganizationFactory(name="Serves Talsi", home_municipality=trakai)
    serves_talsi.municipalities_served.add(talsi)
    organization_reindex(organization=serves_talsi)

    assert set(names(find(country="LT"))) == {lithuanian.name, serves_talsi.name}
    assert set(names(find(municipality_id=talsi.pk))) == {latvian.name, serves_talsi.name}
    assert names(find(type=Organization.Type.FOUNDATION)) == [lithuanian.name]
    assert names(find(country="LT", type=Organization.Type.FOUNDATION)) == [lithuanian.name]


def test_it_filters_by_taxonomies_what_it_offers_and_social_enterprise_status():
    field = FieldOfActivity.objects.get(slug="sport")
    group = TargetGroup.objects.get(slug="youth")
    premises = NeedKind.objects.get(slug="premises-equipment")
    sporty = OrganizationFactory(name="Sporty")
    sporty.fields_of_activity.add(field)
    sporty.target_groups.add(group)
    organization_reindex(organization=sporty)
    landlord = OrganizationFactory(name="Landlord", is_social_enterprise=True)
    landlord.offers.add(premises)
    organization_reindex(organization=landlord)
    seeker = OrganizationFactory(name="Seeker")
    seeker.seeks.add(premises)  # seeking is not offering
    organization_reindex(organization=seeker)

    assert names(find(field_id=field.pk)) == ["Sporty"]
    assert names(find(target_group_id=group.pk)) == ["Sporty"]
    assert names(find(offers_id=premises.pk)) == ["Landlord"]
    assert names(find(social_enterprise=True)) == ["Landlord"]
    assert names(find("sporty", field_id=field.pk)) == ["Sporty"]
    assert names(find("landlord", field_id=field.pk)) == []


def test_it_sorts_by_name_ignoring_accents_and_by_recent_update():
    now = timezone.now()
    for name, days in [("Ūdensroze", 3), ("Ābele", 1), ("Zīlīte", 2), ("Bite", 4)]:
        organization = OrganizationFactory(name=name)
        Organization.objects.filter(pk=organization.pk).update(
            updated_at=now - datetime.timedelta(days=days)
        )

    assert names(find(country="LV", sort=Sort.NAME)) == ["Ābele", "Bite", "Ūdensroze", "Zīlīte"]
    assert names(find(country="LV", sort=Sort.UPDATED)) == ["Ābele", "Zīlīte", "Ūdensroze", "Bite"]
    assert names(find(sort=Sort.NAME)) == ["Ābele", "Bite", "Ūdensroze", "Zīlīte"]
    assert names(find(sort=Sort.UPDATED))[0] == "Ābele"


def test_best_match_puts_name_matches_first():
    OrganizationFactory(name="Āboli un bumbieri", description="Dārzkopība un sports")
    OrganizationFactory(name="Sporta klubs Ābele")
    result = find("sport")
    assert result.sort == Sort.RELEVANCE
    assert names(result)[0] == "Sporta klubs Ābele"
    assert result.count == 2


def test_it_paginates_and_counts():
    for n in range(45):
        OrganizationFactory(name=f"Biedrība {n:02d}")
    first = find("biedriba", sort=Sort.NAME)
    assert first.count == 45
    assert first.num_pages == 3
    assert names(first)[0] == "Biedrība 00"
    last = find("biedriba", sort=Sort.NAME, page=3)
    assert names(last) == [
        "Biedrība 40",
        "Biedrība 41",
        "Biedrība 42",
        "Biedrība 43",
        "Biedrība 44",
    ]
    beyond = find("biedriba", sort=Sort.NAME, page=99)
    assert beyond.page == 3
    assert names(beyond) == names(last)


def test_it_caps_the_count_and_says_the_matches_are_not_sorted(monkeypatch):
    monkeypatch.setattr(directory, "RESULT_COUNT_CAP", 5)
    for n in range(8):
        OrganizationFactory(name=f"Biedrība {n}")
    many = find("biedriba", sort=Sort.NAME)
    assert many.count == 5
    assert many.count_is_capped
    assert many.sort == Sort.NONE
    assert len(many.organizations) == 5
    browse = find()
    assert browse.count == 5
    assert browse.count_is_capped
    assert browse.sort == Sort.NAME


def test_it_ignores_query_syntax_in_the_words():
    OrganizationFactory(name="Biedrība Zīlīte")
    for text in ["zilite & !", "zilite:*", "'zilite'", "zilite | x", "(zilite)", "%", "_", "\\"]:
        result = find(text)
        assert result.count in (0, 1)
    assert names(find("(zilite)")) == ["Biedrība Zīlīte"]


@postgres_only
def test_it_tolerates_a_typo():
    OrganizationFactory(name="Biedrība „Brīnumiņš”")
    OrganizationFactory(name="Föreningen Gläntan")
    result = find("brinumnis")
    assert names(result) == ["Biedrība „Brīnumiņš”"]
    assert result.corrected_text == "brinumins"
    assert names(find("glantna")) == ["Föreningen Gläntan"]


@postgres_only
def test_it_suggests_no_word_of_an_entry_that_is_not_published():
    OrganizationFactory(name="Slepenība", status=Organization.Status.PENDING)
    result = find("slepeniba")
    assert result.count == 0
    assert result.corrected_text == ""


def test_the_database_is_the_one_the_suite_was_asked_for():
    # make test runs the suite on SQLite and, with DATABASE_URL, on PostgreSQL.
    assert connection.vendor in {"sqlite", "postgresql"}
