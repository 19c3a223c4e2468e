from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

from orgs.access import moderation_waiting_count


def language_links(request):
    """This page in every language of the portal, for the language switcher.

    Plain links work without JavaScript and keep the user on the same page.
    """
    current = get_language()
    path = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
                "is_current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def moderation_menu(request):
    """The menu's Moderation item: for those who moderate, with how many requests wait
    (one query, and only on pages that show the menu: the value is lazy)."""

    def waiting():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"shown": False}
        count = moderation_waiting_count(user)
        return {"shown": count is not None, "count": count or 0}

    return {"moderation_menu": SimpleLazyObject(waiting)}
