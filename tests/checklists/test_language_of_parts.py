"""WCAG 3.1.2: a template text shown in another language than the page's carries its own."""

import lxml.html
import pytest
from django.template.loader import render_to_string

from checklists.models import Checkpoint, Step

pytestmark = pytest.mark.django_db

# What the checkpoint page shows of the checkpoint (its hint is on the roadmap's page).
CHECKPOINT_FIELDS = ("statement", "guidance", "methods", "examples")


def page(client, roadmap, language, code="1.1"):
    response = client.get(f"/{language}/roadmaps/{roadmap.pk}/{code}/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def guidance_block(tree):
    (block,) = tree.xpath('//details[@class="guidance"]/summary/following-sibling::div[1]')
    return block


def closest_lang(element):
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return node.get("lang")
    return None


def elements_showing(tree, text):
    """The innermost elements whose own text holds `text` (or its first line)."""
    wanted = text.strip().splitlines()[0].strip()
    body = tree.find("body")
    return [node for node in body.iter() if node.text and wanted in node.text]


def test_guidance_missing_in_greek_is_marked_as_english(client, staff, municipal_roadmap):
    checkpoint = municipal_roadmap.answers.get(checkpoint__code="1.1").checkpoint
    Checkpoint.objects.filter(pk=checkpoint.pk).update(guidance_el="")
    client.force_login(staff)
    block = guidance_block(page(client, municipal_roadmap, "el"))
    assert block.get("lang") == "en"
    assert checkpoint.guidance_en.split("\n")[0].strip() in block.text_content()


def test_greek_guidance_gets_no_language_of_its_own(client, staff, municipal_roadmap):
    checkpoint = municipal_roadmap.answers.get(checkpoint__code="1.1").checkpoint
    assert checkpoint.guidance_el
    client.force_login(staff)
    tree = page(client, municipal_roadmap, "el")
    assert tree.get("lang") == "el"
    assert guidance_block(tree).get("lang") is None
    assert not tree.xpath("//main//*[@lang]")  # the language switcher has its own


def test_a_latvian_only_statement_on_an_english_page_is_marked_as_latvian(
    client, staff, municipal_roadmap
):
    checkpoint = municipal_roadmap.answers.get(checkpoint__code="1.1").checkpoint
    Checkpoint.objects.filter(pk=checkpoint.pk).update(statement_en="")
    client.force_login(staff)
    tree = page(client, municipal_roadmap, "en")
    (span,) = tree.xpath("//h1/span[@lang]")
    assert (span.get("lang"), span.text) == ("lv", checkpoint.statement_lv)


def test_with_every_greek_text_emptied_each_template_text_reads_as_english(
    client, staff, municipal_roadmap
):
    empty = {f"{field}_el": "" for field in (*CHECKPOINT_FIELDS, "hint")}
    Checkpoint.objects.update(**empty)
    Step.objects.update(title_el="", summary_el="")
    checkpoint = Checkpoint.objects.get(
        pk=municipal_roadmap.answers.get(checkpoint__code="1.1").checkpoint_id
    )
    client.force_login(staff)
    tree = page(client, municipal_roadmap, "el")
    texts = [getattr(checkpoint, f"{field}_en") for field in CHECKPOINT_FIELDS]
    texts.append(checkpoint.step.title_en)
    texts = [text for text in texts if text]
    assert len(texts) >= 4  # the guard must look at the statement, guidance and more
    for text in texts:
        shown = elements_showing(tree, text)
        assert shown, text
        assert {closest_lang(node) for node in shown} == {"en"}, text


def test_the_blank_form_pdf_marks_english_statements_on_a_greek_form(client, template, monkeypatch):
    # WeasyPrint (70) writes only the document's /Lang, not one per structure element, so
    # the test reads the HTML it is given: the marks are there for when it does.
    def html_instead(template_name, context, request):
        return render_to_string(template_name, context, request=request).encode()

    monkeypatch.setattr("checklists.views.render_pdf", html_instead)
    Checkpoint.objects.filter(form="municipality").update(statement_el="")
    tree = lxml.html.fromstring(client.get("/el/roadmaps/forms/municipality.pdf").content.decode())
    headings = tree.xpath("//div[@class='checkpoint']/h3")
    assert headings
    assert all(heading.xpath("span/@lang") == ["en"] for heading in headings)
    assert not tree.xpath("//h2//*[@lang]")  # the steps' Greek titles are Greek
