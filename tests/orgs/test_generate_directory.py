import pytest
from django.core.management import call_command
from django.db import connection

from orgs.management.commands import generate_directory
from orgs.models import MunicipalityCount, Organization, Service

pytestmark = pytest.mark.django_db

TABLES = [
    "orgs_organization",
    "orgs_service",
    "orgs_organization_fields_of_activity",
    "orgs_organization_target_groups",
    "orgs_organization_offers",
    "orgs_organization_seeks",
    "orgs_organization_municipalities_served",
]


def test_it_writes_searchable_organizations_beside_the_demo_data():
    call_command("load_demo_data", stdout=None)
    demo = Organization.objects.count()
    call_command("generate_directory", "--count", "40", stdout=None)
    generated = Organization.objects.filter(slug__startswith="org-")
    assert generated.count() == 40 and Organization.objects.count() == demo + 40
    assert Service.objects.filter(organization__in=generated).exists()
    sample = generated.first()
    assert sample.version == 1 and sample.rejection_reason == ""
    assert f" m{sample.home_municipality_id} " in sample.facet_tokens
    # The generated dates, not the moment of writing (auto_now would stamp every row alike).
    assert len(set(generated.values_list("updated_at", flat=True))) > 30
    assert all(o.updated_at >= o.created_at for o in generated)
    # The home page's counts include them.
    counted = sum(MunicipalityCount.objects.values_list("published_organizations", flat=True))
    assert counted == Organization.objects.published().count()


def generated_kinds():
    """What the generated rows are made of, whichever way they were written."""
    generated = Organization.objects.filter(slug__startswith="org-")
    every = generated.count()
    return {
        "countries": set(generated.values_list("country", flat=True)),
        "statuses": set(generated.values_list("status", flat=True)),
        "languages": {tuple(value) for value in generated.values_list("languages", flat=True)}
        >= {("lv",), ("el",), ("sv", "en")},
        "fields": generated.filter(fields_of_activity__isnull=False).distinct().count() == every,
        "target_groups": generated.filter(target_groups__isnull=False).distinct().count() == every,
        "offers": generated.filter(offers__isnull=False).exists(),
        "seeks": generated.filter(seeks__isnull=False).exists(),
        "served": generated.filter(municipalities_served__isnull=False).exists(),
        "services": Service.objects.filter(organization__in=generated).exists(),
        "defaults": set(generated.values_list("version", "short_name", "email_public")),
    }


def schema():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [TABLES],
        )
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [TABLES],
        )
        return indexes, set(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and pg_indexes")
def test_a_large_write_by_copy_makes_the_same_rows_and_gives_back_every_index(monkeypatch):
    call_command("load_demo_data", stdout=None)
    call_command("generate_directory", "--count", "300", "--seed", "1", stdout=None)
    kept_indexes = generated_kinds()
    Organization.objects.filter(slug__startswith="org-").delete()
    with connection.cursor() as cursor:
        # The checks the test's own transaction still owes: ALTER TABLE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before = schema()
    assert any("gin" in definition for _t, _n, definition in before[0])

    # Large enough to set the indexes aside: they go before the write and come back after.
    monkeypatch.setattr(generate_directory, "SET_INDEXES_ASIDE_FROM", 100)
    dropped = []
    original = generate_directory.indexes_set_aside

    def watching(tables):
        manager = original(tables)

        class Watch:
            def __enter__(self):
                manager.__enter__()
                dropped.extend(before[0] - schema()[0])

            def __exit__(self, *exc):
                return manager.__exit__(*exc)

        return Watch()

    monkeypatch.setattr(generate_directory, "indexes_set_aside", watching)
    call_command("generate_directory", "--count", "300", "--seed", "1", stdout=None)

    assert {name for _t, name, _d in dropped} >= {
        "orgs_org_search_gin",
        "orgs_org_published_name_icu",
    }
    assert schema() == before
    assert generated_kinds() == kept_indexes
    assert kept_indexes["countries"] == {"LV", "LT", "SE", "PT", "CY"}
    assert "published" in kept_indexes["statuses"]
    assert all(value is True for value in kept_indexes.values() if isinstance(value, bool))
    # Searchable: the generated columns and the rebuilt GIN index find them.
    response_ids = Organization.objects.raw(
        "SELECT id FROM orgs_organization WHERE status = 'published'"
        " AND search_vector @@ plainto_tsquery('portal_search', 'biedriba')"
    )
    assert len(list(response_ids)) > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's DDL")
def test_a_failed_large_write_rolls_the_dropped_indexes_back(monkeypatch):
    before = schema()
    monkeypatch.setattr(generate_directory, "SET_INDEXES_ASIDE_FROM", 10)

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generate_directory.Command, "copy", staticmethod(broken))
    with pytest.raises(RuntimeError):
        call_command("generate_directory", "--count", "20", stdout=None)
    assert schema() == before
    assert not Organization.objects.filter(slug__startswith="org-").exists()
