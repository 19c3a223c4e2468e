from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override

from orgs.access import moderation_waiting_count
from roadmap_portal.lib.pagination import COUNT_CAP


def language_links(request):
    """This page in every language of the portal, for the language switcher.

    Plain links work without JavaScript and keep the user on the same page.
    """
    current = get_language()
    path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": _in_language(match, path, code),
                "is_current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def _in_language(match, path, code):
    """translate_url(path, code), from the match the request was resolved to: it resolved
    the path again for each of the six languages, a fifth of a small page's time."""
    if match is None or match.url_name is None:
        return translate_url(path, code)
    with override(code):
        try:
            translated = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    query = urlsplit(path).query
    return f"{translated}?{query}" if query else translated


def moderation_menu(request):
    """The menu's Moderation item: for those who moderate, with how many requests wait
    (one query, and only on pages that show the menu: the value is lazy)."""

    def waiting():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"shown": False}
        count = moderation_waiting_count(user)
        if count is None:
            return {"shown": False, "count": 0}
        # Counted up to COUNT_CAP + 1: more shows as "1,000+".
        capped = count > COUNT_CAP
        return {
            "shown": True,
            "count": min(count, COUNT_CAP),
            "count_display": f"{intcomma(min(count, COUNT_CAP))}{'+' if capped else ''}",
        }

    return {"moderation_menu": SimpleLazyObject(waiting)}
