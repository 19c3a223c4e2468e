"""A long roadmap's PDF is made by the task worker; the page says when it is ready."""

import shutil
import subprocess
import time
from datetime import timedelta

import pytest

from checklists.models import Answer, RoadmapPdf
from checklists.pdf import RoadmapPrint
from checklists.services import answer_save, roadmap_share
from orgs.models import MunicipalityMembership
from tests.factories import MunicipalityMembershipFactory

pytestmark = pytest.mark.django_db


def pdf_text(content, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        [shutil.which("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def long_roadmap(settings, municipal_roadmap):
    """A roadmap over the threshold (lowered, so that the test stays fast)."""
    settings.PDF_BACKGROUND_LINES = 60
    municipal_roadmap.answers.filter(checkpoint__code="1.2").update(
        text="Garā atbilde par ģimenēm. " * 200, status=Answer.Status.COMPLETED
    )
    return municipal_roadmap


def urls(roadmap):
    base = f"/en/roadmaps/{roadmap.pk}/"
    return base + "roadmap.pdf", base + "pdf/"


def test_a_short_roadmap_is_printed_in_the_request(client, staff, municipal_roadmap):
    client.force_login(staff)
    detail = client.get(f"/en/roadmaps/{municipal_roadmap.pk}/")
    assert f'href="/en/roadmaps/{municipal_roadmap.pk}/roadmap.pdf"' in detail.text
    pdf_url, status_url = urls(municipal_roadmap)
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
    assert client.get(status_url)["Location"] == pdf_url
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == pdf_url  # a page that polled goes to the PDF
    assert not RoadmapPdf.objects.exists()


def test_a_long_roadmap_is_printed_by_the_worker_and_downloaded_when_ready(
    client, staff, long_roadmap, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    pdf_url, status_url = urls(long_roadmap)
    detail = client.get(f"/en/roadmaps/{long_roadmap.pk}/")
    assert f'<form method="post" action="{status_url}">' in detail.text
    assert client.get(pdf_url)["Location"] == status_url  # nothing ready: the page
    assert "Prepare the PDF" in client.get(status_url).text

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(status_url)
    assert response["Location"] == status_url
    assert len(queued) == 1
    pdf = RoadmapPdf.objects.get()
    assert (pdf.status, pdf.requested_by, pdf.language) == ("pending", staff, "en")
    page = client.get(status_url)
    assert "Your PDF is being prepared" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert f'<a href="{status_url}" class="btn btn-outline-secondary">Check again</a>' in page.text
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert "<html" not in polled.text and "Your PDF is being prepared" in polled.text

    queued[0]()  # the worker runs the task (ImmediateBackend)
    pdf.refresh_from_db()
    assert pdf.status == "ready" and pdf.finished_at and pdf.fingerprint
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert "Your PDF is ready" in polled.text and "hx-trigger" not in polled.text
    assert f'href="{pdf_url}"' in polled.text
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert "Garā atbilde par ģimenēm." in pdf_text(response.content, tmp_path)


def test_a_pdf_made_before_an_edit_is_not_served(
    client, staff, long_roadmap, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    pdf_url, status_url = urls(long_roadmap)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
    answer = long_roadmap.answers.get(checkpoint__code="1.3")
    answer_save(answer=answer, values={"text": "Jauns teksts"}, actor=staff, version=1)

    assert client.get(pdf_url)["Location"] == status_url
    assert "The roadmap has changed since its PDF was made." in client.get(status_url).text
    old = RoadmapPdf.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    new = RoadmapPdf.objects.get()  # only the newest is kept
    assert new.pk != old.pk and new.fingerprint != old.fingerprint
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


def test_asking_twice_makes_one_pdf(
    client, staff, long_roadmap, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    _pdf_url, status_url = urls(long_roadmap)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(status_url)
        client.post(status_url)
    assert RoadmapPdf.objects.count() == 1 and len(queued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
        client.post(status_url)  # ready and current: nothing to make
    assert RoadmapPdf.objects.get().status == "ready"


def test_a_pdf_in_each_language_is_printed_in_it(
    client, staff, long_roadmap, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/lv/roadmaps/{long_roadmap.pk}/pdf/")
    pdf = RoadmapPdf.objects.get()
    assert pdf.language == "lv"
    assert "MELNRAKSTS" in pdf_text(bytes(pdf.content), tmp_path)


def test_a_failed_or_lost_pdf_says_so_and_can_be_made_again(
    client, staff, long_roadmap, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    _pdf_url, status_url = urls(long_roadmap)

    def broken(self):
        raise RuntimeError("WeasyPrint broke")

    monkeypatch.setattr(RoadmapPrint, "pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    assert RoadmapPdf.objects.get().status == "failed"
    page = client.get(status_url)
    assert "The PDF could not be made" in page.text and "Try again" in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(status_url)
    # A worker that died leaves it pending: after ten minutes the page says it failed.
    RoadmapPdf.objects.update(
        created_at=RoadmapPdf.objects.get().created_at - timedelta(minutes=11)
    )
    assert "The PDF could not be made" in client.get(status_url).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)
    assert RoadmapPdf.objects.get().status == "ready"


def test_only_readers_of_the_roadmap_ask_for_and_download_its_pdf(
    client,
    settings,
    community_roadmap,
    representative,
    municipality,
    outsider,
    administrator,
    staff,
    django_capture_on_commit_callbacks,
):
    settings.PDF_BACKGROUND_LINES = 0
    pdf_url, status_url = urls(community_roadmap)
    for user in (outsider, administrator, staff):
        client.force_login(user)
        assert client.get(status_url).status_code == 404
        assert client.post(status_url).status_code == 404
        assert client.get(pdf_url).status_code == 404
    assert not RoadmapPdf.objects.exists()

    coordinator = MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.COORDINATOR
    ).user
    roadmap_share(roadmap=community_roadmap, municipality=municipality, actor=representative)
    client.force_login(coordinator)  # reads a shared roadmap: may print it
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(status_url).status_code == 302
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
    assert client.put(status_url).status_code == 405
    assert client.post(pdf_url).status_code == 405

    client.logout()
    response = client.get(status_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_blank_forms_stay_in_the_request(client, settings, template):
    settings.PDF_BACKGROUND_LINES = 0
    response = client.get("/en/roadmaps/forms/community.pdf")
    assert response["Content-Type"] == "application/pdf"


def test_a_roadmap_at_every_limit_goes_to_the_worker_with_the_default_threshold(
    municipal_roadmap,
):
    municipal_roadmap.answers.update(text="Vārdi un teikumi. " * 1_111)
    assert RoadmapPrint(municipal_roadmap).in_background
    municipal_roadmap.answers.update(text="Vārdi un teikumi. " * 50)  # a usual roadmap
    assert not RoadmapPrint(municipal_roadmap).in_background


def seconds_to_print(roadmap):
    document = RoadmapPrint(roadmap)
    start = time.perf_counter()
    content = document.pdf()
    return time.perf_counter() - start, content


@pytest.mark.parametrize(
    "hostile",
    [
        "x" * 20_000,  # one word, no spaces
        "\u00a0" * 20_000,  # no-break spaces
        "a" + "\u0301" * 19_999,  # one letter under 19,999 accents
        "👨\u200d" * 10_000,  # one emoji sequence of 10,000 people
        " " * 20_000,
        "\n" * 20_000,
    ],
    ids=["word", "nbsp", "accents", "joiners", "spaces", "newlines"],
)
def test_pathological_text_prints_in_about_the_time_of_ordinary_text(
    municipal_roadmap, tmp_path, hostile
):
    answer = municipal_roadmap.answers.filter(checkpoint__code="1.2")
    answer.update(text=("Parasts teksts par ģimenēm. " * 800)[:20_000])
    ordinary, _content = seconds_to_print(municipal_roadmap)
    answer.update(text=hostile)
    pathological, content = seconds_to_print(municipal_roadmap)
    # Without the guards: 10 s and more against about 0.5 s for ordinary text.
    assert pathological < 2 * ordinary + 1, (pathological, ordinary)
    if hostile.startswith("x"):  # wrapped, not cut at the page's edge
        assert pdf_text(content, tmp_path).count("x") >= 20_000
