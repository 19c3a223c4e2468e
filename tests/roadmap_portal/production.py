"""The environment of a production process, for tests that start one."""

import json
import os
import subprocess
import sys

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
