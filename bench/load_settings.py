"""bench/load.py's server: the portal's settings, and a hello-world view beside its URLs."""

from roadmap_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
