"""Optimistic locking: a save based on an older version of a row is refused, never
overwrites what someone saved in between.

A model has a `version = models.PositiveIntegerField(default=FIRST_VERSION, ...)`. The
page carries the version the editor loaded (VersionField); the service, inside its
transaction, locks the row at that version (lock_at_version) and bumps it once it has
written (bump_version, or bump_versions for many rows at once).
"""

from collections.abc import Callable

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

# Every versioned model starts here: a version below it was never handed out.
FIRST_VERSION = 1

OUT_OF_DATE = _("This page is incomplete or out of date. Reload it, then make your changes again.")


class Conflict(Exception):
    """Someone saved the row after the editor loaded it. `current` is the locked row as
    saved now, to show the editor what changed."""

    def __init__(self, current):
        super().__init__("The row changed since it was loaded.")
        self.current = current


def lock_at_version(
    queryset,
    *,
    pk,
    version: int,
    overwritable: Callable[[object, int], bool] | None = None,
    field: str = "version",
):
    """The row `pk` of `queryset`, locked (select_for_update) until the caller's
    transaction ends; Conflict when its version is not `version`, the one the editor
    loaded, unless `overwritable(row, version)` says that what was saved since may be
    overwritten (for example the editor's own autosaves). DoesNotExist as .get().
    `field` names the version compared, for a row with one version per page that saves
    part of it (a partnership's `actions_version`)."""
    row = queryset.select_for_update().get(pk=pk)
    if getattr(row, field) != version and not (overwritable and overwritable(row, version)):
        raise Conflict(current=row)
    return row


def bump_version(obj, *, field: str = "version") -> None:
    """Give a saved row its next version, in the database and on `obj`: an editor who
    still holds the old one gets a Conflict. Counted in the database (F), so two bumps
    never make one. `field` as in lock_at_version."""
    manager = type(obj)._default_manager
    manager.filter(pk=obj.pk).update(**{field: F(field) + 1})
    setattr(obj, field, manager.filter(pk=obj.pk).values_list(field, flat=True).get())


def bump_versions(queryset) -> int:
    """bump_version for every row of `queryset` in one statement (an import changes
    thousands): the number of rows bumped."""
    return queryset.update(version=F("version") + 1)


class VersionField(forms.IntegerField):
    """The version the editor loaded, in a hidden input. A missing or garbled value is
    a form error (the page is out of date or was cut short), so views never parse it."""

    widget = forms.HiddenInput
    default_error_messages = dict.fromkeys(
        ["required", "invalid", "min_value", "max_value"], OUT_OF_DATE
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_VERSION)
        kwargs.setdefault("max_value", 2**31 - 1)  # a PositiveIntegerField's largest
        super().__init__(**kwargs)


class VersionForm(forms.Form):
    """Only the version, for pages whose other fields are another form (or none)."""

    version = VersionField()
