"""The language a translated text is actually written in (WCAG 3.1.2, language of parts).

modeltranslation shows a field's value in the active language, or, when that column is
empty, the first language of its fallback chain that has one: a Greek page may show English
guidance. A screen reader reads it with the page's voice unless the text carries its own
`lang`, so templates render these fields through roadmap_portal.templatetags.translated,
which asks this module.
"""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order


class TranslatedText(str):
    """A text that knows its language: a choice label keeps it through the cache and the
    select tag (roadmap_portal.templatetags.portal.select)."""

    lang: str

    def __new__(cls, text, lang):
        value = super().__new__(cls, text)
        value.lang = lang
        return value

    def __reduce__(self):
        return (TranslatedText, (str(self), self.lang))

    @property
    def is_foreign(self):
        """True when it is not written in the active language."""
        return self.lang != get_language()


def text_language(instance, field: str) -> tuple[str, str]:
    """`instance.<field>` as modeltranslation resolves it in the active language, and the
    code of the language its text is in: the active language's column first, then the
    fallback chain of MODELTRANSLATION_FALLBACK_LANGUAGES. A field that is not translated,
    or that is empty in every language, counts as written in the active language."""
    active = get_language()
    descriptor = type(instance).__dict__.get(field)
    if not isinstance(descriptor, TranslationFieldDescriptor):
        return getattr(instance, field), active
    undefined = descriptor.fallback_undefined
    if undefined is NONE:
        undefined = descriptor.field.get_default()
    for lang in resolution_order(active, descriptor.fallback_languages):
        value = getattr(instance, build_localized_fieldname(field, lang), None)
        if descriptor.meaningful_value(value, undefined):
            return value, lang
    return getattr(instance, field), active


def translated_text(instance, field: str) -> TranslatedText:
    """text_language's answer as one string that carries its language."""
    text, lang = text_language(instance, field)
    return TranslatedText(text if text is not None else "", lang)


def lang_attribute(text):
    """` lang="xx"` for the element that holds `text` when it is a TranslatedText not in
    the active language, else nothing: for an element other filters fill (linebreaks) and
    for a select's options."""
    if isinstance(text, TranslatedText) and text and text.is_foreign:
        return format_html(' lang="{}"', text.lang)
    return mark_safe("")


def translated_html(text: TranslatedText):
    """The text escaped, inside <span lang=".."> when it is not in the active language: for
    a form's labels and help texts, which templates print as they are."""
    if text and text.is_foreign:
        return format_html('<span lang="{}">{}</span>', text.lang, text)
    return conditional_escape(text)


def name_label(instance):
    """A taxonomy entry's name as a choice label (a ModelChoiceField's label_from_instance)."""
    return translated_html(translated_text(instance, "name"))
