"""The production settings, collecting static files without compressing them.

WhiteNoise's compression of every file takes a minute; the manifest of hashed names, which
is what the pages need, is the same without it. Only production.collect_static uses this,
for `collectstatic`; the servers the tests start run the real settings.
"""

from roadmap_portal.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)
