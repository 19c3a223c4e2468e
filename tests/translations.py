"""Whether the portal's own catalogue translates a message yet: tests of a message the
portal took over from Django wait (xfail) until its translations are made, then check."""

import gettext
from functools import cache

import pytest
from django.conf import settings


@cache
def _catalogue(language):
    with open(settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def translated(msgid, language):
    catalogue = _catalogue(language)
    return msgid in catalogue or (msgid, 0) in catalogue


def require_translation(msgid, language):
    """xfail the test while the portal's catalogue for `language` lacks `msgid`."""
    if language != "en" and not translated(msgid, language):
        pytest.xfail(f"the portal's {language} catalogue does not translate {msgid!r} yet")
