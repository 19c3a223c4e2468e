"""A replica that is down, or fails during a page: the primary answers.

Transactional tests: a test case's transaction on the replica would connect to it before
the test, and these replicas refuse or die. The alias is a TEST MIRROR only so that the
test case neither opens a transaction on it nor flushes it.
"""

import logging

import pytest
from django.db import connection, connections
from django.urls import reverse

from roadmap_portal.lib import replica
from roadmap_portal.lib.replica import REPLICA
from tests.replica import ROUTERS, replica_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

TEST_MIRROR = {"MIRROR": "default", "NAME": None, "CHARSET": None, "COLLATION": None}


@pytest.fixture(scope="module", autouse=True)
def dead_replica():
    """A replica nobody listens for (port 1): connecting to it is refused at once."""
    with replica_alias(
        ENGINE="django.db.backends.postgresql",
        NAME="portal",
        USER="portal",
        PASSWORD="",
        HOST="127.0.0.1",
        PORT=1,
        OPTIONS={"connect_timeout": 2},
        TEST=TEST_MIRROR,
    ):
        yield


@pytest.fixture(autouse=True)
def replica_routing(settings, monkeypatch):
    settings.DATABASE_ROUTERS = ROUTERS
    monkeypatch.setattr(replica, "_down_until", 0.0)


def test_an_unreachable_replica_sends_the_pages_to_the_primary(client, organization, caplog):
    with caplog.at_level(logging.WARNING, logger="roadmap_portal.lib.replica"):
        response = client.get(reverse("orgs:directory"))
    assert response.status_code == 200
    assert organization.name in response.content.decode()
    assert "The read replica cannot be reached" in caplog.text


def test_after_a_failed_connection_the_replica_is_left_alone_for_a_while(monkeypatch):
    attempts = []
    replica_connection = connections[REPLICA]
    connect = replica_connection.ensure_connection
    monkeypatch.setattr(
        replica_connection, "ensure_connection", lambda: attempts.append(1) or connect()
    )
    assert not replica.replica_available()
    assert not replica.replica_available()
    assert len(attempts) == 1
    now = replica.time.monotonic()
    monkeypatch.setattr(replica.time, "monotonic", lambda: now + replica.RETRY_SECONDS + 1)
    assert not replica.replica_available()
    assert len(attempts) == 2


@pytest.fixture
def live_replica():
    """The "replica": a second connection to the primary's own database."""
    connections[REPLICA].close()
    del connections[REPLICA]
    saved = connections.settings[REPLICA]
    connections.settings[REPLICA] = {**connections.settings["default"], "TEST": TEST_MIRROR}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings[REPLICA] = saved


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills a PostgreSQL connection in mid-page"
)
def test_a_replica_lost_during_a_page_hands_the_page_to_the_primary(
    live_replica, client, organization, monkeypatch, caplog
):
    # The server ends the replica's connection after the check that it answers, before the
    # page's first query.
    check = replica.replica_available

    def available_then_killed():
        answered = check()
        pid = connections[REPLICA].connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        return answered

    monkeypatch.setattr(replica, "replica_available", available_then_killed)
    with caplog.at_level(logging.WARNING, logger="roadmap_portal.lib.replica"):
        response = client.get(reverse("orgs:directory"))
    assert response.status_code == 200
    assert organization.name in response.content.decode()
    assert "The read replica failed; reading the primary" in caplog.text
