"""Readable field names and values in an entry's change history."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from orgs.models import Organization
from roadmap_portal.lib.history import related_names

register = template.Library()

RELATED_FIELD_NAMES = {
    "home_municipality_id": "home_municipality",
}


# Recorded with an entry's history though not its fields: claims shortened by migration 0010.
OTHER_LABELS = {
    "services": lambda: _("Programmes and services"),
    "claim_message": lambda: _("Claim: how the person is connected to the organization"),
    "claim_reason": lambda: _("Claim: reason"),
}


@register.filter
def field_label(name):
    if name in OTHER_LABELS:
        return OTHER_LABELS[name]()
    try:
        field = Organization._meta.get_field(RELATED_FIELD_NAMES.get(name, name))
    except Exception:
        return name
    return str(field.verbose_name).capitalize()


@register.filter
def field_value(value, name):
    """A recorded value in words, reading the names it shows: for a page of one change
    (the revert page). A page of many reads them at once: history_value."""
    return _in_words(value, name, related_names(Organization, [{name: {"new": value}}]))


@register.simple_tag
def history_value(value, name, names):
    """A recorded value in words; `names` from roadmap_portal.lib.history.related_names
    for all the changes of the page."""
    return _in_words(value, name, names)


def _in_words(value, name, names):
    if value in (None, "", []):
        return "–"
    if name == "services":
        return "; ".join(service_name for service_name, _text in value)
    if name in names:
        # In the related model's order; a row deleted since by its id.
        ids = set(value) if isinstance(value, list) else {value}
        shown = [label for pk, label in names[name].items() if pk in ids]
        shown += [str(pk) for pk in sorted(ids - names[name].keys(), key=str)]
        return ", ".join(shown)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if name == "description_language":
        return dict(settings.LANGUAGES).get(value, value)
    if name == "type":
        return Organization.Type(value).label if value in Organization.Type.values else value
    if name == "status":
        return Organization.Status(value).label if value in Organization.Status.values else value
    return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
