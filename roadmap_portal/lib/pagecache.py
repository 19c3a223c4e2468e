"""Rendered public pages, kept in the shared cache for visitors who are not signed in.

Rendering a page costs 15-65 ms of CPU against under 1 ms for the cheapest Django
response (docs/performance.md); the directory's public pages are read far more often
than they change. `@cached_page` keeps a view's rendered 200 response for
PAGE_CACHE_SECONDS, keyed by scheme, host and full path (the language is in the path),
and serves it again to anyone who is not signed in and carries no cookie but the CSRF
and language ones.

When a change shows:
- to the person who made it, at once: a signed-in user never gets a cached page, and a
  visitor who just sent a form carries the replica pin cookie (lib.replica), so is not
  served from the cache either;
- to everyone else, after a change to the directory's entries (`public_pages_changed()`,
  called by orgs after every write that reindexes an entry and after an import), on the
  next request of each page that shows it: that request renders it again. The lists (home,
  directory and search, a municipality's page) show every entry; an organization's page
  (`cached_page(entry="slug")`) shows its own, so it is kept through the changes to the
  others, and rendered again after its own and after an import. Requests for the same page
  that arrive while it renders get the copy kept before, rather than all rendering it at
  once (a busy page after every moderation decision); at most RENEW_SECONDS, should that
  render never finish. Within PAGE_CACHE_SECONDS (60 by default) after any other change
  (a municipality's departments).
- With a read replica, a page rendered in the first REPLICA_PIN_SECONDS after a change
  may come from a replica that has not received it yet: it is kept only until that time
  is up, then rendered again.

A response is never kept when it sets a cookie, used the CSRF token, or says
`Cache-Control: private` or `no-store`. A cache that is down or full (Redis with
`noeviction`, docs/deploy.md) only means the page is rendered. PAGE_CACHE_SECONDS=0
turns it off (development and the test suite).
"""

import hashlib
import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from .replica import replica_configured

logger = logging.getLogger(__name__)

# What a kept page was rendered from, as generations (the time of the last change) that
# writes move on: every list of entries (home, directory, a municipality's page), every
# entry's own page, and one entry's page.
_LISTS_KEY = "pagecache:generation"
_ENTRIES_KEY = "pagecache:entries"
# How long the copy of a changed page is served while one request renders it again,
# should that request never finish (a worker killed after GUNICORN_TIMEOUT, 30 s).
RENEW_SECONDS = 30
# Cookies that do not change a public page: anything else (a session, messages, the
# replica pin) means the visitor may see something of their own.
NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
# What a view's response carries that the copy must carry too; the middleware after the
# view adds the rest (security headers, CSP, Content-Language) to every response.
_KEPT_HEADERS = {"content-type", "link", "x-robots-tag"}


def cached_page(view=None, *, entry=None):
    """Keep the view's page (see the module's docstring). `entry` names the view's keyword
    argument that identifies the one entry its page shows (the organization's slug): that
    page is rendered again when its entry changes, not when any other does."""
    if view is None:
        return lambda view: cached_page(view, entry=entry)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _may_serve_from_cache(request):
            return view(request, *args, **kwargs)
        try:
            entry_id = None if entry is None else kwargs[entry]
            generation = _generation(entry_id)
            key = _key(request)
            kept = cache.get(key)
            if kept is not None:
                kept_generation, content, headers = kept
                if kept_generation == generation or not _renews(key):
                    return HttpResponse(content, headers=headers)
        except Exception:  # a cache that is down or full: the page is rendered as usual
            logger.warning("Page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        renewing = kept is not None
        try:
            response = view(request, *args, **kwargs)
        except BaseException:  # an entry no longer public (404) too: its copy must go
            if renewing:
                _renewed(key, replaced=False)
            raise
        kept_now = _may_keep(request, response) and _keep(key, generation, response, entry_id)
        if renewing:
            _renewed(key, replaced=kept_now)
        return response

    return wrapper


def public_pages_changed(*, entry=None):
    """After the current transaction commits, the lists of entries and the page of `entry`
    (the identifier `cached_page(entry=...)` reads: an organization's slug), or every
    entry's page when `entry` is None, are rendered again on their next request."""
    if settings.PAGE_CACHE_SECONDS:
        transaction.on_commit(
            lambda: _moved_on(every_entry=entry is None, entry=entry), robust=True
        )


def public_lists_changed():
    """After the current transaction commits, the lists of entries are rendered again on
    their next request (the counts changed, not what an entry's page shows)."""
    if settings.PAGE_CACHE_SECONDS:
        transaction.on_commit(_moved_on, robust=True)


def _entry_key(entry):
    return f"pagecache:entry:{entry}"


def _generation(entry):
    """The generations a page depends on, each 0 before its first change."""
    keys = [_LISTS_KEY] if entry is None else [_ENTRIES_KEY, _entry_key(entry)]
    found = cache.get_many(keys)
    return tuple(found.get(key, 0) for key in keys)


def _moved_on(*, every_entry=False, entry=None):
    """Run on commit, robustly: a cache that is down or full fails this, not the write
    (its pages then show the change within PAGE_CACHE_SECONDS)."""
    now = time.time_ns()
    if entry is not None:
        # One key per changed entry, kept while a page read before the change may still be
        # kept (none is kept after it: _keep), so that a missing key (0) then matches no
        # page kept since. Every process has the same PAGE_CACHE_SECONDS.
        cache.set(_entry_key(entry), now, 2 * settings.PAGE_CACHE_SECONDS + 1)
    shared = [_LISTS_KEY, _ENTRIES_KEY] if every_entry else [_LISTS_KEY]
    cache.set_many(dict.fromkeys(shared, now), None)


def _renews(key):
    """True for the one request that renders a page kept before the last change; the
    others meanwhile get the copy."""
    return cache.add(f"{key}:renewing", True, RENEW_SECONDS)


def _renewed(key, *, replaced):
    """The renewal is over: a copy it did not replace (the page failed, or is no longer
    one to keep) is not served again."""
    try:
        cache.delete_many([f"{key}:renewing"] if replaced else [f"{key}:renewing", key])
    except Exception:  # both expire by themselves
        logger.warning("Page cache unavailable", exc_info=True)


def _keep(key, generation, response, entry):
    """Keep the page under the generation it was rendered from, unless that moved while it
    rendered: a page read before a change is never kept after it (which is also why an
    entry's key may expire, see _moved_on)."""
    timeout = settings.PAGE_CACHE_SECONDS
    last_change = max(generation)
    if replica_configured() and last_change:
        # Rendered from a replica that may not have the change yet: only until its lag
        # is surely over (REPLICA_PIN_SECONDS, as for a visitor who just sent a form).
        since_change = time.time() - last_change / 1e9
        if since_change < settings.REPLICA_PIN_SECONDS:
            timeout = min(timeout, max(1, math.ceil(settings.REPLICA_PIN_SECONDS - since_change)))
    headers = {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
    try:
        if _generation(entry) != generation:
            return False
        cache.set(key, (generation, response.content, headers), timeout)
    except Exception:
        logger.warning("Page not kept", exc_info=True)
        return False
    return True


def _may_serve_from_cache(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= NEUTRAL_COOKIES
        and not request.user.is_authenticated
    )


def _may_keep(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _key(request):
    htmx = request.headers.get("HX-Request", "")  # a fragment, not the whole page
    page = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{htmx}"
    return f"pagecache:{hashlib.sha256(page.encode()).hexdigest()}"


def cached_value(key, build, timeout):
    """`cache.get_or_set(key, build, timeout)` for what a public page reads from the shared
    cache (the directory's filter lists): a cache that is down or full means it is built,
    as a page is rendered, rather than a 500."""
    try:
        return cache.get_or_set(key, build, timeout=timeout)
    except Exception:
        logger.warning("Cache unavailable for %s", key, exc_info=True)
        return build()
