import re
import ssl
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from weasyprint import CSS
from weasyprint import HTML as HTML_DOCUMENT
from weasyprint.formatting_structure.boxes import LineBox

from roadmap_portal.lib.pdf import (
    MAX_CLUSTER,
    UNBROKEN_RUN,
    StaticFilesOnlyFetcher,
    html_to_pdf,
    pdf_response,
    printable,
    printed_lines,
)
from tests.pdfs import assert_tagged, pdf_info, pdf_text

ZWSP = "\u200b"


def test_ordinary_text_is_printed_as_written():
    text = "Ģimenēm ar bērniem trūkst atelpas brīžu.\n\nΑγλαντζιά, Žagarė: 2026."
    assert printable(text) == text


def test_a_long_run_gets_an_invisible_break_opportunity_and_keeps_every_character():
    printed = printable("x" * 100)
    assert printed.replace(ZWSP, "") == "x" * 100
    assert [len(part) for part in printed.split(ZWSP)] == [UNBROKEN_RUN, UNBROKEN_RUN, 20]
    assert printable("\u00a0" * 50).count(ZWSP) == 1  # a no-break space does not break


def test_blank_lines_and_runs_of_spaces_are_printed_once():
    assert printable("a\r\n\r\n\r\n\n  \nb   c\t\td") == "a\n\nb c d"


def test_spaces_are_collapsed_as_pre_line_would_so_pre_wrap_prints_the_same():
    assert printable("  a \t\n \tb\tc \n\n\n d  ") == "a\nb c\n\nd"
    assert printable(" \n \n x") == "\n\nx"


def test_a_letter_keeps_only_a_few_marks_and_joined_emoji_are_cut_into_clusters():
    assert printable("a" + "\u0301" * 1000) == "a" + "\u0301" * MAX_CLUSTER
    assert printable("ệ") == "ệ" and printable("e\u0323\u0302") == "e\u0323\u0302"
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert printable(family) == family
    joined = printable("👨\u200d" * 1000)
    assert joined.count("👨") == 1000
    assert joined.count("\u200d") <= 1000 * MAX_CLUSTER // (MAX_CLUSTER + 1)


def test_printed_lines_count_paragraphs_and_long_lines():
    assert printed_lines("") == 0
    assert printed_lines("a\nb\n\nc") == 4
    assert printed_lines("x " * 90) == 2
    assert printed_lines("\n" * 20_000) == 3


HTML = (
    '<!doctype html><html lang="lv"><head><meta charset="utf-8"><title>Ceļa karte</title>'
    "</head><body><h1>Ceļa karte</h1><p>Ģimenēm ar bērniem.</p><ul><li>Viens</li></ul>"
    "</body></html>"
)


def test_every_pdf_is_tagged_with_its_language_and_shows_its_title():
    assert_tagged(html_to_pdf(HTML), lang="lv")


def test_an_untagged_pdf_fails_the_check():
    # The check itself: WeasyPrint's default output has none of PDF/UA's marks.
    untagged = HTML_DOCUMENT(string=HTML).write_pdf()
    with pytest.raises(AssertionError):
        assert_tagged(untagged, lang="lv")


def test_a_template_extending_the_print_base_has_its_language_title_header_and_footer(
    tmp_path,
):
    with translation.override("el"):
        page = Template(
            '{% extends "print/base.html" %}{% block title %}Οδικός χάρτης{% endblock %}'
            "{% block content %}<h1>Αγλαντζιά</h1><p>Κείμενο.</p>{% endblock %}"
        ).render(Context({"LANGUAGE_CODE": "el"}))
        portal = translation.gettext("Roadmap Portal")
    content = html_to_pdf(page)
    assert_tagged(content, lang="el")
    text = pdf_text(content, tmp_path)
    assert text.index(portal) < text.index("Αγλαντζιά")  # the running header
    assert re.search(r"Αγλαντζιά\s+1\s*/\s*1\s*$", text)  # the footer: title, page
    info = pdf_info(content, tmp_path)
    assert (info["Title"], info["Tagged"]) == ("Οδικός χάρτης", "yes")


def test_a_long_title_in_the_footer_wraps_beside_the_page_number(tmp_path):
    # The footer's boxes have fixed widths (print.css): a title of any length keeps to its
    # three quarters of the line and the page number to the last quarter.
    title = " ".join(["Ģimenēm ar bērniem trūkst atelpas brīžu"] * 6)
    page = Template(
        '{% extends "print/base.html" %}{% block content %}<h1>{{ title }}</h1>{% endblock %}'
    ).render(Context({"LANGUAGE_CODE": "lv", "title": title}))
    stylesheet = CSS(string=(Path(settings.BASE_DIR) / "static/css/print.css").read_text())
    document = HTML_DOCUMENT(string=page).render(stylesheets=[stylesheet])
    boxes = {getattr(box, "at_keyword", None): box for box in document.pages[0]._page_box.children}
    left, right = boxes["@bottom-left"], boxes["@bottom-right"]
    assert left.margin_width() == pytest.approx(3 * right.margin_width())
    assert left.position_x + left.margin_width() <= right.position_x + 0.01
    lines = {
        name: sum(isinstance(box, LineBox) for box in boxes[name].descendants())
        for name in ("@bottom-left", "@bottom-right")
    }
    assert lines["@bottom-left"] > 1 and lines["@bottom-right"] == 1  # the title wrapped
    assert "1/1" in pdf_text(html_to_pdf(page), tmp_path).replace(" ", "")


def test_the_fetcher_loads_no_ca_certificates_it_would_never_use(monkeypatch):
    # Loading them took half the time of a one-page PDF; it reads static files only.
    def refuse(*args, **kwargs):
        raise AssertionError("CA certificates loaded")

    monkeypatch.setattr(ssl.SSLContext, "load_default_certs", refuse)
    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", refuse)
    fetcher = StaticFilesOnlyFetcher()
    assert b"@page" in fetcher.fetch("static:/css/print.css").read()
    assert_tagged(html_to_pdf(HTML, fetcher=fetcher), lang="lv")


def test_a_pdf_response_is_a_download_with_an_ascii_and_a_utf8_name():
    response = pdf_response(b"%PDF-1.7", filename="Ceļa karte „Talsi” 2026.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Cela-karte-Talsi-2026.pdf"; '
        "filename*=UTF-8''Ce%C4%BCa%20karte%20%E2%80%9ETalsi%E2%80%9D%202026.pdf"
    )
    assert response["Content-Length"] == "8"
    assert response.content == b"%PDF-1.7"


def test_a_filename_cannot_break_out_of_the_header():
    response = pdf_response(b"", filename='a";\r\nSet-Cookie: x=1.pdf', inline=True)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="a-Set-Cookie-x-1.pdf"; filename*=UTF-8')
    assert "\n" not in disposition and "\r" not in disposition
    assert disposition.count('"') == 2


def test_a_name_of_no_ascii_letters_still_gets_an_ascii_name():
    response = pdf_response(b"", filename="…")
    assert 'filename="document.pdf"' in response["Content-Disposition"]


def test_a_private_pdf_is_kept_by_no_cache_and_a_public_one_may_be():
    assert set(pdf_response(b"", filename="a.pdf")["Cache-Control"].split(", ")) == {
        "private",
        "no-store",
    }
    assert not pdf_response(b"", filename="a.pdf", private=False).has_header("Cache-Control")
