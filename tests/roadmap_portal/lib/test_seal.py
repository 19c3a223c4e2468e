import asyncio
import io
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from weasyprint import HTML as HTML_DOCUMENT

from roadmap_portal.lib import seal
from roadmap_portal.lib.pdf import html_to_pdf
from roadmap_portal.lib.seal import SealNotConfigured, seal_pdf, seal_status
from tests.pdfs import assert_tagged, pdf_info, pdf_text, untagged_parts

HTML = (
    '<html lang="lv"><head><title>Plāns</title></head>'
    "<body><h1>Atelpas brīži ģimenēm</h1><p>Žagarė, Αγλαντζιά, Åmål, Guimarães</p></body></html>"
)


@pytest.fixture(scope="module")
def unsealed():
    return html_to_pdf(HTML)


@pytest.fixture(scope="module")
def sealed(unsealed):
    return seal_pdf(unsealed)


def test_a_sealed_pdf_validates_as_intact_whole_and_trusted(sealed):
    status = seal_status(sealed)
    assert status == status | {
        "sealed": True,
        "intact": True,
        "valid": True,
        "whole_file": True,
        "trusted": True,
        "ok": True,
    }
    assert "Roadmap Portal" in status["signer"]


def test_sealing_keeps_the_pdf_tagged_and_its_text(sealed, tmp_path):
    assert_tagged(sealed, lang="lv")
    assert pdf_info(sealed, tmp_path)["Title"] == "Plāns"
    assert "Atelpas brīži ģimenēm" in pdf_text(sealed, tmp_path)
    assert "Žagarė, Αγλαντζιά, Åmål, Guimarães" in pdf_text(sealed, tmp_path)


def test_the_seals_field_is_tagged_so_the_sealed_pdf_stays_pdf_ua(unsealed, sealed):
    assert untagged_parts(unsealed) == []
    assert untagged_parts(sealed) == []
    reader = PdfFileReader(io.BytesIO(sealed))
    field = reader.root["/AcroForm"]["/Fields"][0]
    with translation.override("lv"):  # the PDF's language
        assert field["/TU"] == translation.gettext("Seal of the Roadmap Portal")
    document = reader.root["/StructTreeRoot"]["/K"][0]
    form = document["/K"][-1]  # last in the reading order, after the content
    assert form["/S"] == "/Form" and form["/K"]["/Obj"] == field


def test_a_seal_pyhanko_makes_its_own_way_would_not_be_tagged(unsealed):
    # What the check above guards against: pyHanko's own field is outside the tree.
    writer = IncrementalPdfFileWriter(io.BytesIO(unsealed))
    metadata = signers.PdfSignatureMetadata(field_name="Plain", certify=True)
    # Through the lib's guard: after the browser tests, Playwright's loop runs in this thread.
    plain = seal._without_event_loop(
        lambda: signers.sign_pdf(writer, metadata, signer=seal.seal_signer()).getvalue()
    )
    assert untagged_parts(plain) == [
        "page 1: a /Widget annotation outside the structure tree",
        "the form field Plain has no name for readers",
    ]


def test_an_untagged_pdf_is_sealed_all_the_same(unsealed):
    untagged = HTML_DOCUMENT(string=HTML).write_pdf()
    assert seal_status(seal_pdf(untagged))["ok"]


def test_a_byte_changed_after_sealing_fails_the_check(sealed):
    # A byte of the document the seal covers (its first object), not of the signature.
    changed = bytearray(sealed)
    changed[sealed.index(b"obj") + 10] ^= 0x01
    status = seal_status(bytes(changed))
    assert status["sealed"] and not status["intact"] and not status["ok"]


def test_a_damaged_file_is_reported_as_a_seal_that_does_not_hold(sealed):
    for damaged in (
        sealed[: len(sealed) // 2],
        sealed[:-200],
        sealed.replace(b"/ByteRange", b"/Bytexange"),
    ):
        assert not seal_status(damaged)["ok"]


def test_anything_appended_after_sealing_is_not_covered(sealed):
    status = seal_status(sealed + b"\n% added later\n")
    assert status["intact"] and not status["whole_file"] and not status["ok"]


def test_a_pdf_without_a_seal_and_a_file_that_is_no_pdf_are_not_sealed(unsealed):
    assert (
        seal_status(unsealed)
        == seal_status(b"not a pdf")
        == {
            "sealed": False,
            "intact": False,
            "valid": False,
            "whole_file": False,
            "trusted": False,
            "signer": "",
            "ok": False,
        }
    )


def test_a_seal_of_another_certificate_is_not_trusted(unsealed, settings, tmp_path):
    settings.BASE_DIR = tmp_path  # another development certificate, made for this test
    other = seal_pdf(unsealed)
    settings.BASE_DIR = tmp_path / "elsewhere"
    status = seal_status(other)
    assert status["intact"] and not status["trusted"] and not status["ok"]


def test_the_development_certificate_is_made_once_under_var(unsealed, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    seal_pdf(unsealed)
    path = tmp_path / "var" / "seal" / "development-seal.p12"
    made = path.read_bytes()
    seal_pdf(unsealed)
    assert path.read_bytes() == made


def test_without_a_certificate_a_production_portal_refuses_to_seal(unsealed, settings):
    settings.PDF_SEAL_CERTIFICATE = ""
    settings.PDF_SEAL_DEVELOPMENT = False
    with pytest.raises(SealNotConfigured, match="PDF_SEAL_CERTIFICATE"):
        seal_pdf(unsealed)
    assert issubclass(SealNotConfigured, ImproperlyConfigured)


def test_a_configured_certificate_that_is_missing_is_refused(unsealed, settings, tmp_path):
    settings.PDF_SEAL_CERTIFICATE = str(tmp_path / "missing.p12")
    with pytest.raises(SealNotConfigured, match="not a file"):
        seal_pdf(unsealed)


def test_a_configured_certificate_seals_with_its_password(unsealed, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    seal.seal_signer()  # makes a PKCS#12 file, used below as if configured
    configured = tmp_path / "configured.p12"
    configured.write_bytes(seal.development_certificate_path().read_bytes())
    settings.BASE_DIR = tmp_path / "unused"
    settings.PDF_SEAL_CERTIFICATE = str(configured)
    settings.PDF_SEAL_PASSWORD = seal.DEVELOPMENT_PASSWORD.decode()
    settings.PDF_SEAL_DEVELOPMENT = False
    assert seal_status(seal_pdf(unsealed))["ok"]
    assert not (tmp_path / "unused").exists()


def test_sealing_and_checking_work_where_an_event_loop_runs(unsealed):
    # pyHanko runs its own loop; an async caller (or Playwright's tests) already has one.
    async def inside():
        return seal_status(seal_pdf(unsealed))

    found = {}
    # A thread of its own: this one may run Playwright's loop already.
    thread = threading.Thread(target=lambda: found.update(asyncio.run(inside())))
    thread.start()
    thread.join()
    assert found["ok"]


def test_the_key_is_read_once_not_for_every_seal(unsealed, monkeypatch):
    seal.seal_signer()  # read (and checked) with the certificate, once a process
    reads = []
    original = serialization.load_der_private_key
    monkeypatch.setattr(
        serialization,
        "load_der_private_key",
        lambda *args, **kwargs: reads.append(1) or original(*args, **kwargs),
    )
    sealed_twice = [seal_pdf(unsealed), seal_pdf(unsealed)]
    assert reads == []
    assert all(seal_status(content)["ok"] for content in sealed_twice)
