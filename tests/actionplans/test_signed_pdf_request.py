"""signed_pdf_request and the task that prints and seals (actionplans/tasks.py)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from actionplans import tasks
from actionplans.models import PartnershipRevision, SignedPdf
from actionplans.services import signed_pdf_request
from roadmap_portal.lib.seal import seal_status

from .signed_revisions import signed_revision


@pytest.fixture
def revision(people):
    return signed_revision(**people, actions=1)


@pytest.fixture
def runs():
    """Counts how often the task prints."""
    with mock.patch.object(tasks, "RevisionPrint", wraps=tasks.RevisionPrint) as counted:
        yield counted


def test_signing_asks_for_the_pdf_in_the_municipalitys_language_and_the_worker_seals_it(
    people, runs
):
    revision = signed_revision(**people, actions=1, make_pdf=True)
    pdf = SignedPdf.objects.get(revision=revision)
    assert (pdf.language, pdf.status, runs.call_count) == ("lv", SignedPdf.Status.READY, 1)
    assert pdf.finished_at is not None
    assert seal_status(bytes(pdf.content))["ok"]


def test_a_lithuanian_municipalitys_pdf_is_made_in_lithuanian(people):
    people["municipality"].country, people["municipality"].time_zone = "LT", "Europe/Vilnius"
    people["municipality"].save()
    revision = signed_revision(**people, actions=1)
    assert list(revision.pdfs.values_list("language", flat=True)) == ["lt"]


def test_a_second_request_makes_nothing_again_and_keeps_the_same_bytes(
    revision, runs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = signed_pdf_request(revision=revision, language="en")
    made = bytes(SignedPdf.objects.get(pk=first.pk).content)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = signed_pdf_request(revision=revision, language="en")
    assert again.pk == first.pk and callbacks == [] and runs.call_count == 1
    assert bytes(SignedPdf.objects.get(pk=first.pk).content) == made


def test_the_task_queued_twice_prints_once(revision, runs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pdf = signed_pdf_request(revision=revision, language="en")
    tasks.signed_pdf_make.call(pdf.pk)
    assert runs.call_count == 1


def test_a_pdf_being_made_is_not_asked_for_twice(revision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as first:
        signed_pdf_request(revision=revision, language="en")
    with django_capture_on_commit_callbacks(execute=False) as second:
        signed_pdf_request(revision=revision, language="en")
    assert len(first) == 1 and second == []
    assert revision.pdfs.filter(language="en").count() == 1


def test_a_failed_pdf_is_marked_failed_and_can_be_asked_for_again(
    revision, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.RevisionPrint, "pdf", side_effect=RuntimeError("no fonts")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pdf = signed_pdf_request(revision=revision, language="en")
    pdf.refresh_from_db()
    assert pdf.status == SignedPdf.Status.FAILED and bytes(pdf.content) == b""
    with django_capture_on_commit_callbacks(execute=True):
        again = signed_pdf_request(revision=revision, language="en")
    again.refresh_from_db()
    assert again.pk == pdf.pk and again.status == SignedPdf.Status.READY


def test_a_pdf_whose_worker_went_away_can_be_asked_for_again(
    revision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        pdf = signed_pdf_request(revision=revision, language="en")
    SignedPdf.objects.filter(pk=pdf.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signed_pdf_request(revision=revision, language="en")
    pdf.refresh_from_db()
    assert len(callbacks) == 1 and pdf.status == SignedPdf.Status.READY


def test_without_a_certificate_in_production_the_pdf_fails_instead_of_being_kept_unsealed(
    revision, settings, django_capture_on_commit_callbacks
):
    settings.PDF_SEAL_CERTIFICATE, settings.PDF_SEAL_DEVELOPMENT = "", False
    with django_capture_on_commit_callbacks(execute=True):
        pdf = signed_pdf_request(revision=revision, language="en")
    pdf.refresh_from_db()
    assert pdf.status == SignedPdf.Status.FAILED and bytes(pdf.content) == b""


def test_an_unsigned_revision_has_no_signed_pdf(revision):
    PartnershipRevision.objects.filter(pk=revision.pk).update(
        status=PartnershipRevision.Status.OPEN, signed_at=None
    )
    revision.refresh_from_db()
    with pytest.raises(ValueError):
        signed_pdf_request(revision=revision, language="en")
    assert not revision.pdfs.filter(language="en").exists()
