"""Django for the benchmarks: the production settings (DEBUG off), in this process."""

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="roadmap_portal.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-key-" + "x" * 40),
        ALLOWED_HOSTS="localhost",
        SECURE_SSL_REDIRECT="false",
    )
    django.setup()
