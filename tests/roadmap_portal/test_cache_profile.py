"""Rate limits count in the cache: with DEBUG off it must be one that app processes share."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from orgs.services import TooManyClaims, claim_create
from roadmap_portal.lib.ratelimit import rate_limit_count, rate_limit_reached
from tests.factories import OrganizationFactory, UserFactory

from .production import production_environment, production_settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Q" * 20,
    "ALLOWED_HOSTS": "portal.example.org",
}
PRINT_CACHE = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def run_manage(extra_env, *args):
    # A clean production-like environment: nothing the test run itself has set.
    test_only = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_with_debug_off_and_no_cache_url_the_database_cache_is_used():
    # CACHE_URL="" wins over a CACHE_URL a local .env may set.
    result = run_manage(PRODUCTION | {"CACHE_URL": ""}, "shell", "-c", PRINT_CACHE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://"])
def test_with_debug_off_a_cache_of_one_process_is_refused(cache_url):
    result = run_manage(PRODUCTION | {"CACHE_URL": cache_url}, "check")
    assert result.returncode != 0
    assert "do not share" in result.stderr


def test_with_debug_on_the_local_memory_cache_is_the_default():
    result = run_manage({"DEBUG": "true", "CACHE_URL": ""}, "shell", "-c", PRINT_CACHE)
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_the_limits_count_in_the_database_cache():
    database_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_rate_limits",
        }
    }
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        for _ in range(3):
            rate_limit_count("test:db", window_seconds=3600)
        assert rate_limit_reached("test:db", limit=3, window_seconds=3600)
        assert not rate_limit_reached("test:db", limit=4, window_seconds=3600)


@pytest.mark.django_db
@pytest.mark.parametrize("cache_url", ["", "dbcache://portal_cache"])
def test_the_limits_hold_in_the_production_cache_however_many_other_keys_it_holds(cache_url):
    # Django's default of 300 entries culled a third of the keys, counters included.
    production = production_settings(production_environment(CACHE_URL=cache_url), "CACHES")
    with override_settings(**production):
        call_command("createcachetable", verbosity=0)
        user = UserFactory()
        for _ in range(5):
            claim_create(organization=OrganizationFactory(), user=user, message="", base_url="")
        for number in range(301):
            rate_limit_count(f"signup:network:198.51.100.{number}", window_seconds=3600)

        with pytest.raises(TooManyClaims):
            claim_create(organization=OrganizationFactory(), user=user, message="", base_url="")


REDIS = ("127.0.0.1", 6379)


def redis_listening():
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def in_production_process(environment, code):
    """The last line `code` prints, run by a production process of its own."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return (result.stdout.strip().splitlines() or [""])[-1]


@pytest.mark.skipif(not redis_listening(), reason="needs Redis on 127.0.0.1:6379")
def test_with_cache_url_on_redis_every_process_shares_the_cache_and_its_limits():
    # Database 15 and keys of their own, expiring in a minute: nothing else's is touched.
    environment = production_environment(CACHE_URL=f"rediscache://{REDIS[0]}:{REDIS[1]}/15")
    backend = production_settings(environment, "CACHES")["CACHES"]["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.redis.RedisCache"
    key = f"test:shared:{uuid.uuid4().hex}"
    cache = "from django.core.cache import cache; "
    in_production_process(environment, cache + f"cache.set({key!r}, 'set by one', 60)")
    assert in_production_process(environment, cache + f"print(cache.get({key!r}))") == "set by one"

    # A rate limit counted by two processes counts once for both (INCR in Redis).
    count = (
        "from roadmap_portal.lib.ratelimit import rate_limit_count; "
        f"print(rate_limit_count({key + ':limit'!r}, window_seconds=60))"
    )
    assert in_production_process(environment, count) == "1"
    assert in_production_process(environment, count) == "2"
