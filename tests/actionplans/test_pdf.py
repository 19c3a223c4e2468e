"""The printed and sealed PDF of a signed revision (actionplans/pdf.py)."""

import re

import pytest
from django.conf import settings
from django.utils import translation

from actionplans.models import ActionItem, Member
from actionplans.pdf import (
    RevisionPrint,
    language_of_country,
    page_counter_css,
    pdf_filename,
    verification_url,
)
from roadmap_portal.lib.seal import seal_status
from tests.factories import OrganizationFactory
from tests.pdfs import assert_tagged, pdf_info, pdf_text, pdf_text_overflow

from .signed_revisions import LETTERS, signed_revision

ROWS, COMMUNICATIONS = 200, 30


@pytest.fixture
def long_revision(people):
    return signed_revision(
        **people, actions=ROWS, communications=COMMUNICATIONS, title=f"Plāns {LETTERS}"
    )


@pytest.fixture
def long_pdf(long_revision):
    return RevisionPrint(long_revision, language="en").pdf()


def _pages(text):
    return text.split("\f")


def test_the_pdf_holds_every_action_and_communication_row_the_hash_and_the_link(
    long_revision, long_pdf, tmp_path
):
    text = pdf_text(long_pdf, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    for number in range(1, ROWS + 1):
        assert f"Darbība {number}: atelpas" in flat
    for number in range(1, COMMUNICATIONS + 1):
        assert f"Ziņa {number} vecākiem" in flat
    assert long_revision.content_hash in flat.replace(" ", "")
    with translation.override("en"):
        assert settings.PORTAL_URL + long_revision.get_verification_url() in flat


def test_the_action_plans_column_header_is_repeated_on_every_page_of_a_long_plan(
    long_pdf, tmp_path
):
    pages = _pages(pdf_text(long_pdf, tmp_path))
    with_rows = [page for page in pages if re.search(r"Darbība \d+:", page)]
    assert len(with_rows) >= 3
    for page in with_rows:
        assert "Responsible" in page and "Deadline" in page and "Depends on" in page, page


def test_the_pdf_is_tagged_in_its_language_with_the_title_and_numbered_pages(long_pdf, tmp_path):
    assert_tagged(long_pdf, lang="en")
    info = pdf_info(long_pdf, tmp_path)
    assert info["Title"] == f"Plāns {LETTERS}"
    pages = int(info["Pages"])
    text = pdf_text(long_pdf, tmp_path)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_the_five_countries_letters_are_printed_right_in_a_latvian_pdf(people, tmp_path):
    revision = signed_revision(
        **people, title=f"Plāns {LETTERS}", shared_result=f"Rezultāts {LETTERS}", actions=1
    )
    content = RevisionPrint(revision, language="lv").pdf()
    assert_tagged(content, lang="lv")
    text = pdf_text(content, tmp_path)
    assert f"Plāns {LETTERS}" in text and f"Rezultāts {LETTERS}" in text


def test_the_pdf_is_sealed_and_the_seal_holds(people):
    revision = signed_revision(**people)
    status = seal_status(RevisionPrint(revision, language="en").pdf())
    assert status["ok"] and status["whole_file"]


def test_it_prints_the_revisions_content_not_the_rows_as_they_are_now(people, tmp_path):
    revision = signed_revision(**people, actions=1)
    ActionItem.objects.filter(partnership=revision.partnership).update(activity="Changed later")
    text = pdf_text(RevisionPrint(revision, language="en").pdf(), tmp_path)
    assert "Darbība 1: atelpas" in text and "Changed later" not in text


def test_user_text_is_printed_as_text_never_as_markup(people, tmp_path):
    revision = signed_revision(
        **people, title='<img src="http://example.org/x.png"> <b>Bold</b>', actions=1
    )
    html = RevisionPrint(revision, language="en").html()
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    text = pdf_text(RevisionPrint(revision, language="en").pdf(), tmp_path)
    assert "<b>Bold</b>" in text


def test_the_cover_names_each_partner_with_its_role_in_the_pdfs_language(people, tmp_path):
    revision = signed_revision(**people, actions=1)
    text = pdf_text(RevisionPrint(revision, language="en").pdf(), tmp_path)
    assert "Biedrība „Brīnumiņš” – Signatory" in text
    assert "Anna Bērziņa" in text  # the coordinator's signature


def test_the_sign_off_block_names_each_signer_role_and_date(people, tmp_path):
    revision = signed_revision(**people, actions=1)
    text = re.sub(r"\s+", " ", pdf_text(RevisionPrint(revision, language="en").pdf(), tmp_path))
    for signature in revision.signatures.all():
        assert f"{signature.signer_name}, {signature.signer_role}" in text
    assert "Revision 1, signed on" in text


def test_the_pdf_language_follows_the_municipalitys_country():
    assert [language_of_country(code) for code in ("LV", "LT", "SE", "PT", "CY", "EE")] == [
        "lv",
        "lt",
        "sv",
        "pt",
        "el",
        "en",
    ]


def test_the_page_counter_is_css_of_one_translated_string():
    with translation.override("en"):
        assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'


def test_the_file_name_and_the_link_name_the_revision(people):
    revision = signed_revision(**people, actions=1)
    assert pdf_filename(revision) == f"partnership-{revision.partnership_id}-revision-1.pdf"
    assert verification_url(revision).startswith(settings.PORTAL_URL + "/")


def test_a_second_signatory_with_its_role_is_printed(people, tmp_path):
    revision = signed_revision(**people, actions=1)
    other = OrganizationFactory(name="Föreningen Åmål")
    # The content is frozen: a partner added later is not in this revision.
    Member.objects.create(partnership=revision.partnership, organization=other, role="funding")
    text = pdf_text(RevisionPrint(revision, language="en").pdf(), tmp_path)
    assert "Föreningen Åmål" not in text


def test_the_plans_tables_stay_inside_the_pages_margins(long_pdf, tmp_path):
    # print.css: 16 mm left and right.
    assert pdf_text_overflow(long_pdf, tmp_path, right_margin=16 / 25.4 * 72) == []
