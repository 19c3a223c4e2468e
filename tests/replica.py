"""A "replica" database alias for tests of roadmap_portal/lib/replica.py.

Added to Django's connections while a test runs, never to settings.DATABASES: pytest-django
would otherwise create and migrate a second test database for every run, and a TEST MIRROR
would make the "replica" the primary itself, which proves nothing.
"""

import copy
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

from roadmap_portal.lib.replica import REPLICA

ROUTERS = ["roadmap_portal.lib.replica.ReplicaRouter"]


@contextmanager
def replica_alias(**overrides):
    """The primary's connection settings with `overrides`, as the "replica" alias."""
    settings_dict = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    settings_dict.update(overrides)
    connections.settings[REPLICA] = settings_dict
    try:
        yield
    finally:
        try:
            connections[REPLICA].close()
            del connections[REPLICA]
        except AttributeError:  # never opened
            pass
        del connections.settings[REPLICA]
