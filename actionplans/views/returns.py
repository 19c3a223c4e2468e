"""Where a page goes after a save: back to "check your answers" when its Change link led
there (PATTERNS.md), else where the page itself goes."""

from django.shortcuts import redirect

# The one page a save returns to on request: never an address the request names.
FROM_CHECK = "check"


def after_save(request, partnership, default):
    if request.GET.get("from") == FROM_CHECK:
        return redirect("actionplans:check", pk=partnership.pk)
    return default
