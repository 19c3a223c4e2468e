"""actionplans:revision_pdf: the kept, sealed PDF of a signed revision."""

import pytest
from django.urls import reverse
from django.utils import translation

from actionplans.models import PartnershipRevision, PublicationConsent, SignedPdf
from roadmap_portal.lib.seal import seal_status
from tests.factories import UserFactory

from .signed_revisions import signed_revision


@pytest.fixture
def revision(people):
    return signed_revision(**people, actions=3)


def url(revision, language="en"):
    with translation.override(language):
        return reverse(
            "actionplans:revision_pdf",
            kwargs={"pk": revision.partnership_id, "number": revision.number},
        )


def make_public(revision):
    partnership = revision.partnership
    PublicationConsent.objects.create(partnership=partnership, organization=None)
    for member in partnership.members.filter(role="signatory"):
        PublicationConsent.objects.create(partnership=partnership, organization=member.organization)


def test_a_member_gets_the_being_made_page_then_the_kept_pdf(
    client, staff, revision, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url(revision))
    assert waiting.status_code == 200
    # No timed reload (WCAG 2.2.1): the reader checks again when they choose.
    page = waiting.content.decode()
    assert 'http-equiv="refresh"' not in page and f'href="{url(revision)}"' in page
    assert waiting["Cache-Control"] == "no-store"
    response = client.get(url(revision))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    content = b"".join(response) if response.streaming else response.content
    assert content == bytes(SignedPdf.objects.get(revision=revision, language="en").content)
    assert seal_status(content)["ok"]


def test_the_same_bytes_are_served_every_time_and_printed_once(
    client, representative, revision, django_capture_on_commit_callbacks, monkeypatch
):
    from actionplans import tasks

    prints = []
    original = tasks.RevisionPrint.pdf
    monkeypatch.setattr(tasks.RevisionPrint, "pdf", lambda self: prints.append(1) or original(self))
    client.force_login(representative)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url(revision))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url(revision)).content
        second = client.get(url(revision)).content
    assert first == second and first.startswith(b"%PDF") and len(prints) == 1


def test_each_language_has_its_own_pdf(client, staff, revision, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url(revision, "en"))
        client.get(url(revision, "sv"))
    assert set(revision.pdfs.values_list("language", flat=True)) == {"lv", "en", "sv"}


def test_a_failed_pdf_shows_try_again_and_a_post_asks_for_it_again(
    client, staff, revision, django_capture_on_commit_callbacks
):
    pdf = SignedPdf.objects.get(revision=revision, language="lv")
    SignedPdf.objects.filter(pk=pdf.pk).update(status=SignedPdf.Status.FAILED)
    client.force_login(staff)
    page = client.get(url(revision, "lv"))
    assert page.status_code == 200 and "refresh" not in page.content.decode()
    assert 'method="post"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(revision, "lv"))
    assert response.status_code == 302 and response["Location"] == url(revision, "lv")
    pdf.refresh_from_db()
    assert pdf.status == SignedPdf.Status.READY


def test_an_unsigned_revision_has_no_pdf(client, staff, revision):
    PartnershipRevision.objects.filter(pk=revision.pk).update(
        status=PartnershipRevision.Status.SUPERSEDED, signed_at=None
    )
    client.force_login(staff)
    assert client.get(url(revision)).status_code == 404


def test_an_unknown_revision_number_is_not_found(client, staff, revision):
    client.force_login(staff)
    response = client.get(url(revision).replace("/revisions/1/", "/revisions/9/"))
    assert response.status_code == 404


def test_an_outsider_gets_404_and_a_visitor_is_asked_to_sign_in(client, revision):
    assert client.get(url(revision))["Location"].startswith("/en/accounts/login/")
    client.force_login(UserFactory())
    assert client.get(url(revision)).status_code == 404


def test_anyone_reads_the_pdf_of_a_public_partnership_and_caches_may_keep_it(
    client, revision, django_capture_on_commit_callbacks
):
    make_public(revision)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url(revision)).status_code == 200
    response = client.get(url(revision))
    assert response["Content-Type"] == "application/pdf"
    assert "private" not in response.get("Cache-Control", "")


def test_other_methods_are_not_allowed(client, staff, revision):
    client.force_login(staff)
    assert client.put(url(revision)).status_code == 405
    assert client.delete(url(revision)).status_code == 405
