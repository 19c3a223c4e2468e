"""Reads from a PostgreSQL read replica, when settings.DATABASES has one (docs/replica.md).

The replica answers only inside a view marked @reads_from_replica (the public directory's
pages), only for a visitor who is not signed in and has not sent a form in the last
REPLICA_PIN_SECONDS (ReplicaPinMiddleware's cookie), and even there never inside a
transaction or after a write: everything else reads the primary ("default"), and every
write goes to the primary. A replica that cannot be reached, or fails during a page, sends
reads back to the primary.

Raw SQL bypasses routers: code that opens a cursor for reads uses read_connection(model).
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, InterfaceError, OperationalError, connections
from django.db import router as db_router

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "replica_pin"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Read and written by every request, in the primary only: sessions (who is signed in must not
# lag), and the database cache (a counter or entry just written must be read back).
PRIMARY_ONLY_APPS = {"sessions", "django_cache"}
# After a failed connection, this process reads the primary for this long before trying the
# replica again, so that visitors do not each wait for the connection to time out.
RETRY_SECONDS = 30

_scope: ContextVar["_Scope | None"] = ContextVar("replica_scope", default=None)
_down_until = 0.0


class _Scope:
    wrote = False


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    """Reads in this block may go to the replica (see the module's docstring)."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def _in_transaction(connection) -> bool:
    # The test suite's wrapping transactions (TestCase) do not count: Django marks them.
    return any(not block._from_testcase for block in connection.atomic_blocks)


def _reads_replica() -> bool:
    scope = _scope.get()
    return (
        scope is not None and not scope.wrote and not _in_transaction(connections[DEFAULT_DB_ALIAS])
    )


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or not _reads_replica():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            # What the page reads next must include its own write.
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows: a replica is a copy of the primary.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its schema from the primary, by replication.
        return db == DEFAULT_DB_ALIAS


def read_connection(model):
    """The connection that reads `model` here: for raw SQL, which routers never see."""
    return connections[db_router.db_for_read(model)]


def is_pinned(request) -> bool:
    """Whether this client sent a form recently enough that the replica may lack its write."""
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def replica_available() -> bool:
    """Whether the replica answers (its connection opened and, when kept open between
    requests, checked); after a failure False for RETRY_SECONDS without trying."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error:
        logger.warning(
            "The read replica cannot be reached; reading the primary for %s s.",
            RETRY_SECONDS,
            exc_info=True,
        )
        _down_until = time.monotonic() + RETRY_SECONDS
        return False
    return True


def _may_read_replica(request) -> bool:
    return (
        replica_configured()
        and request.method in SAFE_METHODS
        and not is_pinned(request)
        # Also loads the session and the user, from the primary: before the scope opens.
        and not request.user.is_authenticated
        and replica_available()
    )


def reads_from_replica(view):
    """Lets a read-only view read the replica, for visitors the module's docstring names.

    A replica that fails during the view (its connection lost, a query cancelled by
    replication) costs that visitor nothing: the view runs again on the primary.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _may_read_replica(request):
            return view(request, *args, **kwargs)
        with replica_reads():
            try:
                return view(request, *args, **kwargs)
            except (OperationalError, InterfaceError):
                if not connections[REPLICA].errors_occurred:
                    raise
                logger.warning("The read replica failed; reading the primary.", exc_info=True)
        return view(request, *args, **kwargs)

    return wrapper


class ReplicaPinMiddleware:
    """After a form sent by any client (a request that may write, answered without an
    error), that client reads the primary for REPLICA_PIN_SECONDS, longer than the
    replica is expected to lag: what it just wrote shows on the next page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method not in SAFE_METHODS
            and response.status_code < 400
        ):
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
