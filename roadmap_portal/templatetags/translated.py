"""Translated content with its own language (roadmap_portal.lib.translated).

{{ checkpoint|translated:"statement" }}   the text, escaped, in <span lang=".."> when
                                           it is not in the page's language
{{ label|translated }}                     the same for a TranslatedText
<div{{ checkpoint|lang_attr:"guidance" }}>{{ checkpoint.guidance|linebreaks }}</div>
                                           the attribute alone, for a block that other
                                           filters (linebreaks, splitlines) render
"""

from django import template
from modeltranslation.utils import get_language

from roadmap_portal.lib.translated import (
    TranslatedText,
    lang_attribute,
    translated_html,
    translated_text,
)

register = template.Library()


def _text(value, field):
    # A TranslatedText (a choice label, checklists.models.with_need_items) needs no field.
    if isinstance(value, TranslatedText):
        return value
    if field is None:
        return TranslatedText(value or "", get_language())
    return translated_text(value, field)


@register.filter
def translated(instance, field=None):
    """The field's text; marked with its language when modeltranslation fell back."""
    return translated_html(_text(instance, field))


@register.filter
def lang_attr(instance, field=None):
    """` lang="xx"` for the element holding the field's text, or nothing when the text is
    in the page's language."""
    return lang_attribute(_text(instance, field))
