import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import translation

from checklists.models import Checkpoint
from orgs.models import TargetGroup
from roadmap_portal.lib.translated import TranslatedText, text_language, translated_text


def checkpoint(**columns):
    return Checkpoint(code="1.1", **columns)


def render(source, **context):
    return Template("{% load translated %}" + source).render(Context(context))


class TestTextLanguage:
    def test_a_text_in_the_active_language_is_in_that_language(self):
        with translation.override("el"):
            assert text_language(
                checkpoint(guidance_el="Οδηγός", guidance_en="Guide"), "guidance"
            ) == (
                "Οδηγός",
                "el",
            )

    def test_a_missing_greek_text_falls_back_to_english_and_says_so(self):
        with translation.override("el"):
            assert text_language(
                checkpoint(guidance_en="Guide", guidance_lv="Ceļvedis"), "guidance"
            ) == (
                "Guide",
                "en",
            )

    def test_english_falls_back_to_latvian_through_the_default_chain(self):
        with translation.override("en"):
            assert text_language(checkpoint(guidance_lv="Ceļvedis"), "guidance") == (
                "Ceļvedis",
                "lv",
            )

    def test_latvian_falls_back_to_english(self):
        with translation.override("lv"):
            assert text_language(checkpoint(guidance_en="Guide"), "guidance") == ("Guide", "en")

    def test_it_gives_the_same_text_as_modeltranslation(self):
        entry = checkpoint(statement_en="Statement", statement_sv="", statement_lv="Apgalvojums")
        for code in ("lv", "en", "lt", "sv", "pt", "el"):
            with translation.override(code):
                assert text_language(entry, "statement")[0] == entry.statement

    def test_a_text_empty_in_every_language_counts_as_the_active_one(self):
        with translation.override("pt"):
            assert text_language(checkpoint(), "examples") == ("", "pt")

    def test_a_field_that_is_not_translated_is_in_the_active_language(self):
        with translation.override("lt"):
            assert text_language(checkpoint(), "code") == ("1.1", "lt")

    def test_a_translated_text_survives_the_cache(self):
        # orgs.forms.directory_choices caches its labels.
        cache.set("translated-test", TranslatedText("Guide", "en"))
        text = cache.get("translated-test")
        assert (text, text.lang) == ("Guide", "en")


class TestTemplateFilters:
    def test_a_fallen_back_text_is_wrapped_in_its_language_and_escaped(self):
        with translation.override("el"):
            html = render('{{ c|translated:"statement" }}', c=checkpoint(statement_en="A <b> & B"))
        assert html == '<span lang="en">A &lt;b&gt; &amp; B</span>'

    def test_a_text_in_the_page_language_is_only_escaped(self):
        with translation.override("el"):
            html = render('{{ c|translated:"statement" }}', c=checkpoint(statement_el="Α <b>"))
        assert html == "Α &lt;b&gt;"

    def test_lang_attr_marks_the_element_that_other_filters_fill(self):
        entry = checkpoint(guidance_en="One\n\nTwo")
        source = '<div{{ c|lang_attr:"guidance" }}>{{ c.guidance|linebreaks }}</div>'
        with translation.override("sv"):
            assert render(source, c=entry) == '<div lang="en"><p>One</p>\n\n<p>Two</p></div>'
        with translation.override("en"):
            assert render(source, c=entry) == "<div><p>One</p>\n\n<p>Two</p></div>"

    def test_a_translated_text_needs_no_field_name(self):
        with translation.override("el"):
            assert render("{{ t|translated }}", t=TranslatedText("Youth", "en")) == (
                '<span lang="en">Youth</span>'
            )
            assert render("{{ t|translated }}", t="plain <i>") == "plain &lt;i&gt;"

    def test_an_empty_text_gets_no_element(self):
        with translation.override("el"):
            assert (
                render('{{ c|translated:"hint" }}|{{ c|lang_attr:"hint" }}', c=checkpoint()) == "|"
            )


@pytest.mark.django_db
class TestChoiceLabels:
    def test_the_select_tag_marks_an_option_in_another_language(self):
        from django import forms

        group = TargetGroup.objects.create(slug="pilot-youth", name_lv="Jaunieši", name_en="Youth")

        class Form(forms.Form):
            group = forms.ChoiceField(choices=[])

        with translation.override("lt"):
            form = Form()
            form.fields["group"].choices = [(group.pk, translated_text(group, "name"))]
            html = render("{% load portal %}{% select f.group %}", f=form)
        assert f'<option value="{group.pk}" lang="en">Youth</option>' in html
