"""Fixed-window rate limits on Django's cache, and the client's address.

The cache is shared by every app process (Redis, or the database cache when DEBUG is off;
settings.py refuses a local-memory cache there), so every process counts against the same
limit. How exactly depends on the cache. Redis counts with INCR, atomically. Django's
database cache has no atomic increment (BaseCache.incr reads the row, then writes it), so
two requests counted at the same instant may count once: a burst of simultaneous requests
can pass a limit by up to the number served at once (processes x threads). The sign-in
lockout does not count here (django-axes, in its own tables).
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's network, as the rate limits and the sign-in lockout see it: an IPv4
    address as it is, an IPv6 address as the first address of its /64 (2001:db8:1:2::5 is
    "2001:db8:1:2::"), since one connection is usually given a whole /64 and could
    otherwise take a new address for every try. An address, not "…/64": django-axes keeps
    it in a GenericIPAddressField, which PostgreSQL holds as an address (inet).

    X-Forwarded-For is read only behind TRUSTED_PROXY_COUNT proxies: each proxy appends the
    address it saw, so the client's is that many places from the right. Anything to its
    left was written by the client and may be forged. Without the setting the header is
    ignored, since anyone can send it.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        # Fewer entries: the request did not come through the configured proxies.
        if len(forwarded) >= proxies and (network := _network(forwarded[-proxies])):
            return network
    return _network(remote_addr) or remote_addr


def _network(address: str) -> str:
    """The address as a limit counts it, or "" if it is not an IP address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version == 6:
        if ip.ipv4_mapped:  # "::ffff:192.0.2.1", as a dual-stack socket reports IPv4
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


def _bucket(key: str, window_seconds: int) -> str:
    return f"ratelimit:{key}:{int(time.time() // window_seconds)}"


def rate_limit_count(key: str, *, window_seconds: int) -> int:
    """Count one more event for key in this window (something created or sent); the count."""
    bucket = _bucket(key, window_seconds)
    cache.add(bucket, 0, timeout=window_seconds)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window_seconds)
        return 1


def rate_limit_reached(key: str, *, limit: int, window_seconds: int) -> bool:
    """True when key has already counted limit events in this window; counts nothing."""
    return (cache.get(_bucket(key, window_seconds)) or 0) >= limit


def rate_limit_minutes_left(*, window_seconds: int) -> int:
    """Whole minutes (at least 1) until the current window ends and its counts start again."""
    return max(1, math.ceil((window_seconds - time.time() % window_seconds) / 60))


def rate_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more attempt for key; True when it is over the limit in this window."""
    return rate_limit_count(key, window_seconds=window_seconds) > limit
