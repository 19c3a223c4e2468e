"""Readable field names and values in an entry's change history."""

from django import template
from django.utils.translation import gettext as _

from orgs.models import Municipality, Organization

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
    if value in (None, "", []):
        return "–"
    if name == "services":
        return "; ".join(service_name for service_name, _text in value)
    if name == "home_municipality_id":
        municipality = Municipality.objects.filter(pk=value).first()
        return municipality.name if municipality else value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        field = Organization._meta.get_field(name) if name != "languages" else None
        if field is not None and field.is_relation:
            return ", ".join(str(item) for item in field.related_model.objects.filter(pk__in=value))
        return ", ".join(str(item) for item in value)
    if name == "type":
        return Organization.Type(value).label if value in Organization.Type.values else value
    if name == "status":
        return Organization.Status(value).label if value in Organization.Status.values else value
    return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
