"""The directory search, on whichever database the suite runs (SQLite or PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.counts import directory_counts_refresh
from orgs.models import FieldOfActivity, NeedKind, Organization, TargetGroup
from orgs.search import (
    DirectoryQuery,
    Sort,
    directory,
    directory_search,
    first_working_in,
    normalize,
    postgresql,
)
from orgs.search.postgresql import PostgresSearch
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


@pytest.fixture
def small_caps(monkeypatch):
    """The search's limits at a test's scale: past 5 matches, a sample."""
    monkeypatch.setattr(directory, "RESULT_COUNT_CAP", 5)
    monkeypatch.setattr(directory, "SAMPLE_TARGET", 4)
    monkeypatch.setattr(directory, "SAMPLE_CAP", 40)


def many_associations(count, municipality=None):
    municipality = municipality or MunicipalityFactory()
    return [
        OrganizationFactory(name=f"Biedrība {n:03}", home_municipality=municipality)
        for n in range(count)
    ]


def all_pages(**query):
    first = find(**query)
    pages = [first]
    for page in range(2, first.num_pages + 1):
        pages.append(find(**query, page=page))
    return first, [name for result in pages for name in names(result)]


@pytest.mark.skipif("connection.vendor == 'postgresql'", reason="SQLite counts every match")
def test_on_sqlite_every_match_is_counted_and_sorted(small_caps):
    many_associations(8)
    result, listed = all_pages(text="biedriba", sort=Sort.NAME)
    assert (result.count, result.listed, result.count_is_estimate) == (8, 8, False)
    assert listed == [f"Biedrība {n:03}" for n in range(8)]


@postgres_only
def test_a_broad_search_shows_a_sorted_sample_and_an_honest_estimate(small_caps):
    organizations = many_associations(160)
    result, listed = all_pages(text="biedriba", sort=Sort.NAME)
    assert result.count_is_estimate
    assert result.sort == Sort.NAME
    # One bucket of the matches (by id), sorted by name across its pages, none twice.
    by_name = {o.name: o.pk for o in organizations}
    buckets = {by_name[name] % 16 for name in listed}
    assert len(buckets) == 1
    assert len(listed) == result.listed == sum(1 for o in organizations if o.pk % 16 in buckets)
    assert listed == sorted(listed)
    # The estimate is the sample times the buckets, rounded to two digits.
    assert result.count == directory._about(result.listed * 16)
    assert 160 / 4 <= result.count <= 160 * 4
    # The same sample on every request.
    assert names(find("biedriba", sort=Sort.NAME)) == names(result)


@postgres_only
def test_a_bucket_fuller_than_the_cap_is_taken_finer(small_caps, monkeypatch):
    monkeypatch.setattr(directory, "SAMPLE_CAP", 3)
    many_associations(160)
    result = find("biedriba")
    assert result.count_is_estimate
    assert result.listed <= 3


@postgres_only
def test_the_planners_estimate_chooses_the_sample_and_reads_one_bucket(small_caps, monkeypatch):
    many_associations(40)
    monkeypatch.setattr(PostgresSearch, "estimated_count", lambda self, matches: 160)
    with CaptureQueriesContext(connection) as queries:
        result = find("biedriba")
    assert result.count_is_estimate
    candidates = [q["sql"] for q in queries if "OVER ()" in q["sql"]]
    # 160 / 4 buckets of 16 hold the target of 4 or more; 64 would not.
    assert "q16x" in candidates[0] and "sample_vector @@" in candidates[0]
    assert f"LIMIT {directory.SAMPLE_CAP + 1}" in candidates[0]


@postgres_only
def test_when_the_planner_expects_many_but_few_match_they_are_counted_exactly(
    small_caps, monkeypatch
):
    many_associations(3)
    monkeypatch.setattr(PostgresSearch, "estimated_count", lambda self, matches: 10**6)
    result = find("biedriba", sort=Sort.NAME)
    assert (result.count, result.count_is_estimate) == (3, False)
    assert names(result) == ["Biedrība 000", "Biedrība 001", "Biedrība 002"]


@postgres_only
def test_an_exact_count_past_the_cap_is_never_shown_as_fewer(small_caps, monkeypatch):
    monkeypatch.setattr(directory, "RESULT_COUNT_CAP", 20)
    many_associations(21)
    result = find("biedriba")
    assert result.count_is_estimate
    assert result.count >= 21


def test_within_the_cap_the_count_is_exact_and_the_order_is_kept(small_caps):
    many_associations(5)
    result = find("biedriba", sort=Sort.NAME)
    assert (result.count, result.listed, result.count_is_estimate) == (5, 5, False)
    assert names(result) == [f"Biedrība {n:03}" for n in range(5)]


def test_browsing_everything_counts_from_the_home_pages_counts_and_lists_the_first(small_caps):
    many_associations(8)
    uncounted = find()
    assert (uncounted.count, uncounted.listed) == (8, 5)
    directory_counts_refresh()
    OrganizationFactory()  # not counted yet: the count is as last counted
    browse = find()
    assert (browse.count, browse.listed, browse.num_pages) == (8, 5, 1)
    assert not browse.count_is_estimate


def test_about_keeps_two_significant_digits():
    assert [directory._about(n) for n in (7, 99, 1_001, 1_049, 283_456, 1_250_000)] == [
        7,
        99,
        1_000,
        1_000,
        280_000,
        1_200_000,
    ]


def test_a_municipalitys_first_organizations_come_in_name_order_based_or_serving():
    talsi = MunicipalityFactory()
    based = [OrganizationFactory(name=f"B {n}", home_municipality=talsi) for n in range(3)]
    elsewhere = OrganizationFactory(name="A elsewhere")
    elsewhere.municipalities_served.add(talsi)
    OrganizationFactory(name="A pending", home_municipality=talsi, status="pending")
    OrganizationFactory(name="A other")
    first, more = first_working_in(talsi, limit=3)
    assert [o.name for o in first] == ["A elsewhere", "B 0", "B 1"]
    assert more
    first, more = first_working_in(talsi, limit=4)
    assert [o.name for o in first] == ["A elsewhere", *[o.name for o in based]]
    assert not more


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


@postgres_only
def test_a_partial_word_is_matched_by_the_known_words_it_begins(monkeypatch):
    OrganizationFactory(name="Jaunatnes klubs")
    OrganizationFactory(name="Jaunieši kopā")
    OrganizationFactory(name="Vecāku biedrība")
    assert PostgresSearch().text_query(["jaun"]) == "(jaunatnes | jauniesi)"
    assert sorted(names(find("jaun"))) == ["Jaunatnes klubs", "Jaunieši kopā"]
    # Too many known words: a prefix, with the same matches.
    monkeypatch.setattr(postgresql, "PREFIX_WORDS_MAX", 1)
    assert PostgresSearch().text_query(["jaun"]) == "jaun:*"
    assert sorted(names(find("jaun"))) == ["Jaunatnes klubs", "Jaunieši kopā"]
    # A word the directory does not know at all stays a prefix (and may be corrected).
    assert PostgresSearch().text_query(["zzzz"]) == "zzzz:*"


@pytest.mark.parametrize("text", ["", "biedrība"])
def test_a_page_number_past_any_list_is_the_last_page_not_an_error(text):
    for number in range(3):
        OrganizationFactory(name=f"Biedrība {number}", status=Organization.Status.PUBLISHED)
    directory_counts_refresh()
    result = directory_search(DirectoryQuery(text=text, page=10**40))
    assert result.page == 1
    assert len(result.organizations) == 3


@postgres_only
def test_the_search_runs_with_its_planner_settings():
    with PostgresSearch().planned(), connection.cursor() as cursor:
        settings = {}
        for name in ("enable_seqscan", "enable_indexscan", "work_mem"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    assert settings == {"enable_seqscan": "off", "enable_indexscan": "off", "work_mem": "32MB"}
