"""The public pages read a replica that holds other rows than the primary, so each test
sees which database answered. PostgreSQL only: the replica is a second real database, a
copy of the test database made once for this module (CREATE DATABASE ... TEMPLATE), not
migrated (the router never migrates it) and gone after the module. Each test's rows in it
are rolled back with the test, as on the primary."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.urls import reverse

from orgs.models import Municipality, Organization
from orgs.search.postgresql import PostgresSearch
from roadmap_portal.lib import replica
from roadmap_portal.lib.replica import REPLICA, replica_reads
from tests.factories import MunicipalityFactory, OrganizationFactory
from tests.replica import ROUTERS, replica_alias

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a replica is a second PostgreSQL database (DATABASE_REPLICA_URL)",
    ),
    pytest.mark.django_db(databases=["default", "replica"]),
]

RELATIONS = ("municipalities_served", "fields_of_activity", "target_groups", "offers")


@pytest.fixture(scope="module", autouse=True)
def replica_database(django_db_setup, django_db_blocker):
    primary = connections[DEFAULT_DB_ALIAS]
    name = f"{primary.settings_dict['NAME']}_ro"
    with django_db_blocker.unblock():
        # A template must have no other connections while it is copied.
        primary.close()
        with primary._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary.settings_dict["NAME"]}"')
        with replica_alias(NAME=name):
            yield
        with primary._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')


@pytest.fixture(autouse=True)
def replica_routing(settings, monkeypatch):
    settings.DATABASE_ROUTERS = ROUTERS
    monkeypatch.setattr(replica, "_down_until", 0.0)


def on_replica(instance):
    instance.save(using=REPLICA, force_insert=True)
    return instance


@pytest.fixture
def primary_organization(municipality):
    return OrganizationFactory(
        name="Primārā biedrība", slug="primara-biedriba", home_municipality=municipality
    )


@pytest.fixture
def replica_organization(primary_organization):
    """Only on the replica, in the same municipality (which the replica has too), and
    the replica lacks the primary's organization."""
    municipality = on_replica(
        Municipality.objects.get(pk=primary_organization.home_municipality_id)
    )
    organization = OrganizationFactory.build(
        name="Replikas biedrība", slug="replikas-biedriba", home_municipality=municipality
    )
    organization.facet_tokens = organization.build_facet_tokens({key: [] for key in RELATIONS})
    return on_replica(organization)


def page(client, name, query=None, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_s_directory_comes_from_the_replica(client, replica_organization):
    content = page(client, "orgs:directory")
    assert "Replikas biedrība" in content
    assert "Primārā biedrība" not in content


def test_a_visitor_s_search_comes_from_the_replica(client, replica_organization):
    # Words and filters: the search's own statement (raw SQL) and its planner settings.
    query = {"q": "replikas", "municipality": replica_organization.home_municipality_id}
    content = page(client, "orgs:directory", query)
    assert "Replikas biedrība" in content
    assert "Primārā biedrība" not in content
    assert "Primārā biedrība" not in page(client, "orgs:directory", {"q": "primārā"})


def test_a_visitor_s_organization_and_municipality_pages_come_from_the_replica(
    client, replica_organization, municipality
):
    assert "Replikas biedrība" in page(client, "orgs:organization", slug="replikas-biedriba")
    assert client.get(reverse("orgs:organization", args=["primara-biedriba"])).status_code == 404
    content = page(client, "orgs:municipality", slug=municipality.slug)
    assert "Replikas biedrība" in content
    assert "Primārā biedrība" not in content


def test_a_visitor_s_home_page_comes_from_the_replica(client, municipality):
    on_replica(MunicipalityFactory.build(name="Replikas novads", slug="replikas-novads"))
    content = page(client, "home")
    assert "Replikas novads" in content
    assert municipality.name not in content


def test_a_signed_in_user_reads_the_primary_and_is_recognized_by_the_primary_s_session(
    client, replica_organization, outsider
):
    # The session exists only on the primary: read from the replica, the user would be a
    # visitor, and see the replica's organization.
    client.force_login(outsider)
    content = page(client, "orgs:directory")
    assert "Primārā biedrība" in content
    assert "Replikas biedrība" not in content
    assert outsider.full_name in content


def test_after_sending_a_form_a_client_reads_the_primary_until_the_pin_ends(
    client, replica_organization, outsider, monkeypatch
):
    client.force_login(outsider)
    assert client.post(reverse("accounts:logout")).status_code == 302
    # Signed out, yet just written: the primary answers.
    content = page(client, "orgs:directory")
    assert "Primārā biedrība" in content
    assert "Replikas biedrība" not in content
    later = replica.time.time() + 11
    monkeypatch.setattr(replica.time, "time", lambda: later)
    assert "Replikas biedrība" in page(client, "orgs:directory")


def test_a_write_inside_the_scope_goes_to_the_primary_and_what_follows_reads_it(
    replica_organization,
):
    with replica_reads():
        assert Organization.objects.filter(slug="replikas-biedriba").exists()
        Municipality.objects.create(name="Jauns novads", slug="jauns-novads")
        assert Municipality.objects.filter(slug="jauns-novads").exists()
        assert not Organization.objects.filter(slug="replikas-biedriba").exists()
    assert Municipality.objects.using(DEFAULT_DB_ALIAS).filter(slug="jauns-novads").exists()
    assert not Municipality.objects.using(REPLICA).filter(slug="jauns-novads").exists()


def test_inside_a_transaction_the_scope_reads_the_primary(replica_organization):
    with replica_reads():
        with transaction.atomic():
            assert not Organization.objects.filter(slug="replikas-biedriba").exists()
        assert Organization.objects.filter(slug="replikas-biedriba").exists()


def test_pages_outside_the_scope_read_the_primary(client, replica_organization):
    # The contact form writes: its page is not marked, and the replica's entry is unknown.
    assert client.get(reverse("orgs:contact", args=["replikas-biedriba"])).status_code == 404
    assert not Organization.objects.filter(slug="replikas-biedriba").exists()


def test_the_search_s_planner_settings_are_set_in_a_transaction_on_the_replica():
    # SET LOCAL holds only inside a transaction, and on the connection that runs the search.
    with replica_reads(), PostgresSearch().planned():
        assert replica._in_transaction(connections[REPLICA])
        assert not replica._in_transaction(connections[DEFAULT_DB_ALIAS])
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone() == ("off",)
