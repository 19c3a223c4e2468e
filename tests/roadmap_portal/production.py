"""The environment of a production process, for tests that start one."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.conf import settings

# What the test run itself sets and a deployment would not.
TEST_ONLY_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "EMAIL_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

PRODUCTION_VARIABLES = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Q" * 20,
    "ALLOWED_HOSTS": "portal.example.org",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
    # Shared by every process, as limits need (`createcachetable` makes its table).
    "CACHE_URL": "dbcache://portal_cache",
}


def production_environment(**variables):
    """os.environ without the test run's variables, with a production profile and `variables`.

    The variables set here win over the developer's .env, as they do in a deployment.
    """
    environment = {
        key: value for key, value in os.environ.items() if key not in TEST_ONLY_VARIABLES
    }
    environment.update(PRODUCTION_VARIABLES)
    environment.update(variables)
    return environment


def production_settings(environment, *names):
    """The values of the settings `names` that a production process would read."""
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(environment, *args):
    """`manage.py args` in a process of its own, in `environment`; fails the test if it does."""
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, check=True
    )


def collect_static(environment):
    """`collectstatic` into environment["STATIC_ROOT"], with the manifest of hashed names the
    pages need but without WhiteNoise's compression, which takes a minute
    (uncompressed_static_settings.py)."""
    collecting = "tests.roadmap_portal.uncompressed_static_settings"
    manage({**environment, "DJANGO_SETTINGS_MODULE": collecting}, "collectstatic", "--noinput")


def wait_until_listening(server, port, log):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"scripts/serve stopped:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"scripts/serve did not listen in time:\n{log.read_text()}")


@contextmanager
def serving(environment, log):
    """scripts/serve started as a deployment starts it, on environment["PORT"], its output in
    the file `log`; stopped on leaving."""
    with log.open("w") as output:
        server = subprocess.Popen(
            [settings.BASE_DIR / "scripts" / "serve"],
            cwd=log.parent,  # the script finds the project itself
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(server, int(environment["PORT"]), log)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)
