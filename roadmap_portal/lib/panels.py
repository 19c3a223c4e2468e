"""Panels: each app's part of a page that gathers every app (My work), so that the page
lives in the project layer and no app imports the apps above it.

A panel function takes the request and returns a Panel, or None when it has nothing to
show this user. The page lists the functions by dotted path in a setting (MY_WORK_PANELS)
and shows their panels in that order, after one list of what is due gathered from all of
them. A new app adds a `panels.py` with its function and one line to the setting:

    def my_plans(request) -> Panel | None:
        plans = list(plans_for(request.user))  # a fixed number of queries
        if not plans:
            return None
        return Panel(
            "actionplans/panels/my_plans.html",
            {"plans": plans},
            due=[Due(_("Sign %(title)s") % {"title": p.title}, p.get_absolute_url()) for p in ...],
        )

Access decisions stay in the app's access.py; the function only asks it.

The same mechanism puts one app's panel on another app's page without the page's app
importing it: the partnership page lists settings.PARTNERSHIP_PANELS, whose functions take
(request, partnership); collect passes such extra arguments on.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Due:
    """Something the user is expected to do now: a sentence and where to do it."""

    text: str
    url: str


@dataclass(frozen=True)
class Panel:
    """A template and its context; `due` goes to the page's list of what is due."""

    template: str
    context: dict = field(default_factory=dict)
    due: Iterable[Due] = ()

    def render(self, request) -> str:
        # The template escapes what users wrote; the result is markup (a SafeString).
        return render_to_string(self.template, self.context, request=request)


def panel_functions(paths: Iterable[str]) -> list[Callable]:
    return [import_string(path) for path in paths]


def collect(request, paths: Iterable[str], *args) -> list[Panel]:
    """The panels of the functions at `paths` that have something for this request, in
    order; each function is called with the request and `args`."""
    panels = (function(request, *args) for function in panel_functions(paths))
    return [panel for panel in panels if panel is not None]
