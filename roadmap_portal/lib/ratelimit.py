"""A small fixed-window rate limit on Django's cache (shared when CACHE_URL names Redis)."""

import time

from django.core.cache import cache


def client_ip(request):
    # Behind a trusted proxy (BEHIND_TLS_PROXY), REMOTE_ADDR is the proxy's: configure the
    # proxy to set it, or extend this when the portal runs behind one.
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more attempt for key; True when it is over the limit in this window."""
    bucket = f"ratelimit:{key}:{int(time.time() // window_seconds)}"
    cache.add(bucket, 0, timeout=window_seconds)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window_seconds)
        count = 1
    return count > limit
