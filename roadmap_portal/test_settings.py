"""Settings for the test suite: the real settings, made fast and quiet."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")

from .settings import *  # noqa: F403

# Tests that read a replica make their own (tests/roadmap_portal/test_replica_pages.py), whatever
# the developer's .env says.
DATABASES.pop("replica", None)  # noqa: F405
DATABASE_ROUTERS = []

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tasks run inline in tests, so their effects can be asserted.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DEMO_DATA_ALLOWED = True
# Tests change entries behind the services' backs; the page cache's own tests turn it on.
PAGE_CACHE_SECONDS = 0
# No collectstatic in tests: WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One process: a local-memory cache, emptied between tests (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Signed PDFs are sealed with the development certificate (var/seal/, made on first use).
PDF_SEAL_CERTIFICATE = ""
PDF_SEAL_DEVELOPMENT = True
