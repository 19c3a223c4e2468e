"""roadmap_portal/lib/text.py: lazy_format."""

from django.utils import translation
from django.utils.translation import gettext_lazy

from roadmap_portal.lib.text import lazy_format


def test_a_lazily_formatted_message_speaks_the_language_active_when_it_is_shown():
    """Found in issue 12: a form field's message formatted at import stayed in the
    language of the first request."""
    with translation.override("lv"):
        message = lazy_format(gettext_lazy("Enter %(what)s"), what=gettext_lazy("the baseline"))
    with translation.override("en"):
        assert str(message) == "Enter the baseline"
    with translation.override("lv"):
        assert str(message) not in ("", "Enter the baseline")
