"""Fixed-window rate limits on Django's cache, and the client's address.

The cache is shared by every app process (Redis, or the database cache when DEBUG is off;
settings.py refuses a local-memory cache there), so a limit holds across processes.
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The address of the client, as the rate limits and the sign-in lockout see it.

    X-Forwarded-For is read only behind TRUSTED_PROXY_COUNT proxies: each proxy appends the
    address it saw, so the client's is that many places from the right. Anything to its
    left was written by the client and may be forged. Without the setting the header is
    ignored, since anyone can send it.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < proxies:
        return remote_addr  # not through the configured proxies
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


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
