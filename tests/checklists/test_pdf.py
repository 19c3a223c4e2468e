import re

import pytest
from weasyprint.urls import URLFetchingError

from checklists.models import Answer
from checklists.services import roadmap_share
from orgs.models import MunicipalityMembership
from roadmap_portal.lib.pdf import StaticFilesOnlyFetcher, render_pdf
from tests.factories import MunicipalityMembershipFactory
from tests.pdfs import assert_tagged, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def test_the_roadmap_pdf_holds_the_answers_in_latvian_letters(
    client, staff, municipal_roadmap, tmp_path
):
    municipal_roadmap.answers.filter(checkpoint__code="1.2").update(
        text="Ģimenēm ar bērniem ar invaliditāti trūkst atelpas brīžu; Žagarė; Αγλαντζιά.",
        status=Answer.Status.COMPLETED,
    )
    client.force_login(staff)
    response = client.get(f"/lv/roadmaps/{municipal_roadmap.pk}/roadmap.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Ģimenēm ar bērniem ar invaliditāti" in text
    assert "Žagarė" in text and "Αγλαντζιά" in text
    assert "Bērnu dienas centrs" in text
    assert "DRAFT" in text or "MELNRAKSTS" in text
    assert re.search(r"\b1\s*/\s*\d+\b", text)  # page numbers
    assert_tagged(response.content, lang="lv")
    assert pdf_info(response.content, tmp_path)["Title"] == municipal_roadmap.title


def test_the_roadmap_pdf_is_a_download_no_cache_keeps(client, staff, municipal_roadmap):
    client.force_login(staff)
    response = client.get(f"/en/roadmaps/{municipal_roadmap.pk}/roadmap.pdf")
    assert response["Content-Disposition"] == (
        f'attachment; filename="roadmap-{municipal_roadmap.pk}.pdf";'
        f" filename*=UTF-8''roadmap-{municipal_roadmap.pk}.pdf"
    )
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_user_text_never_becomes_markup_and_nothing_outside_is_fetched(municipal_roadmap, tmp_path):
    hostile = (
        '<img src="http://example.org/x.png"><link rel="stylesheet" href="file:///etc/passwd">'
    )
    municipal_roadmap.answers.filter(checkpoint__code="1.2").update(text=hostile)
    fetcher = StaticFilesOnlyFetcher()
    content = render_pdf(
        "checklists/roadmap_pdf.html",
        {"roadmap": municipal_roadmap, "steps": municipal_roadmap.answers_by_step()},
        fetcher=fetcher,
    )
    assert fetcher.fetched == ["static:/css/print.css"]
    assert '<img src="http://example.org/x.png">' in pdf_text(content, tmp_path).replace("\n", "")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/font.woff",
        "file:///etc/passwd",
        "static:/../../roadmap_portal/settings.py",
        "static:/css/no-such-file.css",
        "data:text/css,body{}",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(URLFetchingError):
        StaticFilesOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_print_stylesheet():
    response = StaticFilesOnlyFetcher().fetch("static:/css/print.css")
    assert b"@page" in response.read()


def test_the_pdf_follows_the_roadmap_access_rules(
    client, community_roadmap, representative, municipality, outsider, tmp_path
):
    url = f"/en/roadmaps/{community_roadmap.pk}/roadmap.pdf"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    coordinator = MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    roadmap_share(roadmap=community_roadmap, municipality=municipality, actor=representative)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_blank_forms_are_public(client, template, tmp_path):
    for form, code in [("municipality", "2.5"), ("community", "1.6")]:
        response = client.get(f"/en/roadmaps/forms/{form}.pdf")
        assert response.status_code == 200
        assert f"{code} " in pdf_text(response.content, tmp_path)
        assert_tagged(response.content, lang="en")
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="roadmap-{form}-form.pdf"'
        )
    assert client.get("/en/roadmaps/forms/other.pdf").status_code == 404
