"""Filters for showing a frozen content (actionplans.content): codes as names, values as
text. Everything they return is plain text, escaped by the template as any other."""

from datetime import date

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roadmap_portal.lib.pdf import printable

from ..content import field_label as content_field_label
from ..content import sections_of

register = template.Library()


@register.filter
def label(code, names):
    """The display name of `code` in `names` (one of content_labels' dicts), or the code
    itself when it has none (a taxonomy entry deleted since)."""
    if not names:
        return code
    return names.get(code, code)


@register.filter
def iso_date(value):
    """An ISO date of the content ("2026-03-01") in the language's own format."""
    if not value:
        return ""
    try:
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value


@register.filter
def field_label(name, kind):
    return content_field_label(kind, name)


@register.simple_tag
def content_value(name, value, labels):
    """One value of a content as text, for the "what changed" page."""
    if value is None or value == "" or value == [] or value == {}:
        return _("Not provided")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "target_groups":
        return ", ".join(label(code, labels.get("target_groups")) for code in value)
    if name == "cooperation_forms":
        return ", ".join(label(code, labels.get("cooperation_forms")) for code in value)
    if name == "role":
        return label(value, labels.get("roles"))
    if name == "needs":
        return "; ".join(
            f"{label(code, labels.get('needs'))}: {detail}"
            if detail
            else label(code, labels.get("needs"))
            for code, detail in sorted(value.items())
        )
    if name in ("starts_on", "ends_on", "deadline"):
        return iso_date(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.filter
def get_key(mapping, key):
    """mapping[key], or None: for the content's keys a template names in a loop."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def split_words(text):
    return text.split()


@register.filter(needs_autoescape=True)
def content_text(text, for_print=False, autoescape=True):
    """User text of a content: on screen, escaped with its line breaks kept (<br>); in a
    PDF (`for_print`), as lib.pdf.printable folds it, plain text the template escapes
    (the print style keeps line breaks with white-space: pre-line)."""
    if for_print:
        return printable(text)
    return linebreaksbr(text or "", autoescape)


@register.filter
def content_sections(content):
    """The sections other apps added to a content: (section, value) pairs, to include
    each one's template."""
    return sections_of(content) if content else []
