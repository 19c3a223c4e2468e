"""The evidence pages (evaluation/views/evidence.py): the list, new evidence with a file, a
saved piece (keep, replace or remove its file), removing one, and the file itself."""

import pytest
from django.db import connection
from django.test import override_settings

from evaluation.models import MAX_EVIDENCE, Evidence, EvidenceFile
from tests.factories import EvaluationStageFactory, EvidenceFactory, PartnershipFactory

from .conftest import url_of
from .uploads import PDF, PNG, not_a_spreadsheet_zip, upload, xlsx

pytestmark = pytest.mark.django_db

# The session and the user; the partnership with its municipality; the parties the user
# acts for (two); the evidence with its stage and file (without the file's bytes);
# the header's moderation badge (two).
LIST_QUERIES = 8


def form_data(**changes):
    return {
        "method": "interviews",
        "title": "Fokusa grupa ar jauniešiem",
        "gathered_on": "2027-04-02",
        "summary": "Jaunieši stāsta par jaunām prasmēm.",
        "participants": "12",
        "stage": "",
    } | changes


def stored_file(evidence, name="protokols.pdf", content=PDF, content_type="application/pdf"):
    return EvidenceFile.objects.create(
        evidence=evidence,
        name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
        content=content,
    )


def test_the_list_shows_each_piece_with_its_stage_and_its_files_name_and_size(
    client, staff, partnership
):
    stage = EvaluationStageFactory(partnership=partnership, name="Sākums")
    with_file = EvidenceFactory(partnership=partnership, stage=stage, title="Ar failu")
    stored_file(with_file)
    EvidenceFactory(partnership=partnership, title="Bez faila", participants=None)
    client.force_login(staff)
    response = client.get(url_of("evidence_list", pk=partnership.pk))
    page = response.content.decode()
    assert "Ar failu" in page and "Bez faila" in page and "Sākums" in page
    assert "protokols.pdf" in page
    assert url_of("evidence_file", pk=partnership.pk, evidence=with_file.pk) in page


def test_the_number_of_queries_does_not_grow_and_no_file_is_read(
    client, staff, partnership, django_assert_num_queries
):
    client.force_login(staff)
    url = url_of("evidence_list", pk=partnership.pk)
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)
    stage = EvaluationStageFactory(partnership=partnership)
    for _ in range(5):
        stored_file(EvidenceFactory(partnership=partnership, stage=stage), content=PDF * 1000)
    with django_assert_num_queries(LIST_QUERIES) as captured:
        assert len(client.get(url).context["evidence"]) == 5
    content_column = connection.ops.quote_name("content")
    assert not any(content_column in q["sql"] for q in captured.captured_queries)


def test_evidence_is_added_with_a_file_typed_by_its_bytes(client, representative, partnership):
    stage = EvaluationStageFactory(partnership=partnership)
    client.force_login(representative)
    response = client.post(
        url_of("evidence_new", pk=partnership.pk),
        form_data(stage=stage.pk, file=upload("../Protokols.PDF", PDF, "text/html")),
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.stage, evidence.participants, evidence.added_by) == (stage, 12, representative)
    stored = evidence.file
    assert (stored.name, stored.content_type, bytes(stored.content)) == (
        "Protokols.pdf",
        "application/pdf",
        PDF,
    )


def test_a_spreadsheet_is_a_file_evidence_takes(client, staff, partnership):
    client.force_login(staff)
    client.post(url_of("evidence_new", pk=partnership.pk), form_data(file=upload("r.xlsx", xlsx())))
    assert Evidence.objects.get().file.content_type.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "x" * 100_000}, "title", "200 characters or fewer"),
        ({"title": "a\x00b"}, "title", "Null characters are not allowed"),
        ({"summary": ""}, "summary", "Enter a summary"),
        ({"summary": "x" * 100_000}, "summary", "5,000 characters or fewer"),
        ({"summary": "\x00"}, "summary", "Null characters are not allowed"),
        ({"gathered_on": "vakar"}, "gathered_on", "real date"),
        ({"gathered_on": "\x00"}, "gathered_on", "real date"),
        ({"participants": "divpadsmit"}, "participants", "whole number"),
        ({"participants": str(10**20)}, "participants", "too large"),
        ({"participants": "-3"}, "participants", "below 0"),
        ({"participants": "12,5"}, "participants", "whole number"),
        ({"participants": "1\x00"}, "participants", "whole number"),
        ({"method": "gossip"}, "method", "Choose how"),
        ({"stage": "abc"}, "stage", "out of date"),
        (
            {"file": upload("programma.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)},
            "file",
            "must be one of",
        ),
        (
            {"file": upload("bilde.png", b"<html><script>alert(1)</script></html>", "image/png")},
            "file",
            "must be one of",
        ),
        ({"file": upload("tukss.pdf", b"")}, "file", "empty"),
        ({"file": upload("arhivs.xlsx", not_a_spreadsheet_zip())}, "file", "must be one of"),
        ({"file": upload("liels.pdf", PDF + b"0" * 2048)}, "file", "smaller than"),
    ],
)
@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_bad_input_gets_a_message_and_changes_nothing(
    client, staff, partnership, english, changes, field, message
):
    client.force_login(staff)
    response = client.post(url_of("evidence_new", pk=partnership.pk), form_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()


def test_a_stage_of_another_partnership_is_refused(client, staff, partnership, english):
    other = EvaluationStageFactory(
        partnership=PartnershipFactory(municipality=partnership.municipality)
    )
    client.force_login(staff)
    response = client.post(url_of("evidence_new", pk=partnership.pk), form_data(stage=other.pk))
    assert response.context["form"].errors["stage"]
    assert not Evidence.objects.exists()


def test_at_most_the_most_evidence(client, staff, partnership, english):
    EvidenceFactory.create_batch(MAX_EVIDENCE, partnership=partnership)
    client.force_login(staff)
    assert (
        "Add evidence"
        not in client.get(url_of("evidence_list", pk=partnership.pk)).content.decode()
    )
    response = client.post(url_of("evidence_new", pk=partnership.pk), form_data())
    assert "at most 200" in response.content.decode()
    assert partnership.evidence.count() == MAX_EVIDENCE


def test_on_edit_the_file_is_kept_replaced_or_removed(client, staff, partnership, english):
    evidence = EvidenceFactory(partnership=partnership)
    stored_file(evidence)
    client.force_login(staff)
    url = url_of("evidence", pk=partnership.pk, evidence=evidence.pk)
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and "protokols.pdf" in page
    client.post(url, form_data(version=1, file_action="keep", title="Otrs"))
    assert EvidenceFile.objects.get(evidence=evidence).name == "protokols.pdf"
    client.post(url, form_data(version=2, file_action="keep", file=upload("foto.png", PNG)))
    assert EvidenceFile.objects.get(evidence=evidence).name == "foto.png"
    response = client.post(
        url, form_data(version=3, file_action="remove", file=upload("x.png", PNG))
    )
    assert "not both" in " ".join(response.context["form"].errors["file"])
    client.post(url, form_data(version=3, file_action="remove"))
    assert not EvidenceFile.objects.filter(evidence=evidence).exists()


def test_a_second_editor_sees_the_conflict_with_their_own_text_kept(
    client, staff, representative, partnership, english
):
    evidence = EvidenceFactory(partnership=partnership, title="Sākums")
    url = url_of("evidence", pk=partnership.pk, evidence=evidence.pk)
    client.force_login(representative)
    client.post(url, form_data(version=1, title="Pārstāvja"))
    client.force_login(staff)
    response = client.post(url, form_data(version=1, title="Darbinieka", file=upload("a.pdf", PDF)))
    page = response.content.decode()
    assert "Someone else saved this evidence while you were editing" in page
    assert 'value="Darbinieka"' in page and "Pārstāvja" in page
    assert "Choose your file again" in page
    evidence.refresh_from_db()
    assert evidence.title == "Pārstāvja"
    assert not EvidenceFile.objects.exists()


def test_removing_asks_first_then_removes_the_evidence_and_its_file(
    client, staff, partnership, english
):
    evidence = EvidenceFactory(partnership=partnership, title="Liekā")
    stored_file(evidence)
    client.force_login(staff)
    url = url_of("evidence_delete", pk=partnership.pk, evidence=evidence.pk)
    page = client.get(url).content.decode()
    assert "Remove the evidence “Liekā”?" in page and "protokols.pdf" in page
    assert client.post(url)["Location"] == url_of("evidence_list", pk=partnership.pk)
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()


def test_the_file_is_served_to_members_as_a_download_that_is_never_a_page(
    client, representative, partnership
):
    evidence = EvidenceFactory(partnership=partnership)
    stored_file(evidence, name="Protokols — Talsi.pdf")
    client.force_login(representative)
    response = client.get(url_of("evidence_file", pk=partnership.pk, evidence=evidence.pk))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Protokols")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "sandbox"


def test_evidence_without_a_file_has_no_file_to_serve(client, staff, partnership):
    evidence = EvidenceFactory(partnership=partnership)
    client.force_login(staff)
    assert (
        client.get(url_of("evidence_file", pk=partnership.pk, evidence=evidence.pk)).status_code
        == 404
    )


def test_an_outsider_gets_404_and_never_the_file(
    client, outsider, other_representative, administrator, partnership
):
    evidence = EvidenceFactory(partnership=partnership)
    stored_file(evidence)
    for user in (outsider, other_representative, administrator):
        client.force_login(user)
        for name in ("evidence", "evidence_file", "evidence_delete"):
            assert (
                client.get(url_of(name, pk=partnership.pk, evidence=evidence.pk)).status_code == 404
            )
        assert (
            client.post(
                url_of("evidence_delete", pk=partnership.pk, evidence=evidence.pk)
            ).status_code
            == 404
        )
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_file_of_another_partnerships_evidence_is_not_found(client, staff, partnership):
    other = EvidenceFactory(partnership=PartnershipFactory(municipality=partnership.municipality))
    stored_file(other)
    client.force_login(staff)
    assert (
        client.get(url_of("evidence_file", pk=partnership.pk, evidence=other.pk)).status_code == 404
    )


def test_the_wrong_method_is_405(client, staff, partnership):
    evidence = EvidenceFactory(partnership=partnership)
    client.force_login(staff)
    assert client.post(url_of("evidence_list", pk=partnership.pk)).status_code == 405
    assert (
        client.post(url_of("evidence_file", pk=partnership.pk, evidence=evidence.pk)).status_code
        == 405
    )
    assert (
        client.put(url_of("evidence", pk=partnership.pk, evidence=evidence.pk)).status_code == 405
    )
