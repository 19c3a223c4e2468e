"""The replica router, its scope, the pin after a form, and the fallback to the primary.

Pages read from a replica that holds different rows: tests/roadmap_portal/test_replica_pages.py
(PostgreSQL only); a replica that is down: test_replica_down.py."""

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from orgs.models import Organization
from roadmap_portal.lib import replica
from roadmap_portal.lib.replica import (
    PIN_COOKIE,
    REPLICA,
    ReplicaRouter,
    read_connection,
    replica_reads,
)
from tests.replica import ROUTERS, replica_alias

router = ReplicaRouter()


@pytest.fixture
def replica_routing(settings, monkeypatch):
    settings.DATABASE_ROUTERS = ROUTERS
    monkeypatch.setattr(replica, "_down_until", 0.0)


@pytest.fixture
def replica_configured(db, replica_routing):
    """A replica in the settings, never connected to by these tests."""
    with replica_alias(NAME="replica-not-connected"):
        yield


def test_reads_outside_a_replica_scope_go_to_the_primary():
    assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS


def test_reads_inside_the_scope_go_to_the_replica():
    with replica_reads():
        assert router.db_for_read(Organization) == REPLICA
    assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS


def test_sessions_and_the_cache_are_read_from_the_primary_even_inside_the_scope():
    from django.core.cache.backends.db import DatabaseCache

    with replica_reads():
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
        assert router.db_for_read(DatabaseCache("django_cache", {}).cache_model_class) == (
            DEFAULT_DB_ALIAS
        )
        # Writing them is no write of the page's data: the replica still answers.
        router.db_for_write(Session)
        assert router.db_for_read(Organization) == REPLICA


def test_writes_go_to_the_primary_and_the_reads_after_them_too():
    with replica_reads():
        assert router.db_for_write(Organization) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS
    with replica_reads():  # a new page starts on the replica again
        assert router.db_for_read(Organization) == REPLICA


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary():
    with replica_reads():
        with transaction.atomic():
            assert router.db_for_read(Organization) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Organization) == REPLICA


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orgs", "organization")
    assert not router.allow_migrate(REPLICA, "orgs", "organization")
    assert not router.allow_migrate(REPLICA, "django_cache")


def test_rows_of_the_primary_and_the_replica_may_be_related():
    primary, copy = Organization(), Organization()
    primary._state.db, copy._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(primary, copy)
    copy._state.db = "other"
    assert router.allow_relation(primary, copy) is None


def test_raw_sql_reads_through_the_connection_the_router_picks(replica_routing):
    with replica_alias():
        assert read_connection(Organization) is connections[DEFAULT_DB_ALIAS]
        with replica_reads():
            assert read_connection(Organization) is connections[REPLICA]


def test_without_a_replica_nothing_reads_elsewhere_and_no_cookie_is_set(client, outsider):
    # No DATABASE_REPLICA_URL: no router, no pin cookie.
    with replica_reads():
        assert read_connection(Organization) is connections[DEFAULT_DB_ALIAS]
    client.force_login(outsider)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies


def test_a_form_sent_pins_the_client_to_the_primary(replica_configured, client, outsider, settings):
    settings.REPLICA_PIN_SECONDS = 12
    assert PIN_COOKIE not in client.get(reverse("accessibility")).cookies
    client.force_login(outsider)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 12
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_refused_form_does_not_pin(replica_configured, client):
    response = client.post(reverse("orgs:directory"))
    assert response.status_code == 405
    assert PIN_COOKIE not in response.cookies
