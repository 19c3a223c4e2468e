"""Uploaded files (roadmap_portal/lib/uploads.py): read up to a limit, typed by their bytes,
named safely."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from roadmap_portal.lib import uploads
from roadmap_portal.lib.uploads import UploadError, check_upload, detect_kind, safe_name

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8


def zipped(members, *, first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


XLSX = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODS = zipped({"content.xml": "<x/>"}, first=("mimetype", uploads.ODS_MIMETYPE))


class CountingUpload:
    """An upload that says how many bytes were asked of it."""

    def __init__(self, total, chunk=uploads.CHUNK_BYTES):
        self.total, self.chunk, self.read_bytes = total, chunk, 0
        self.name = "big.pdf"

    def chunks(self, size):
        while self.read_bytes < self.total:
            self.read_bytes += size
            yield b"x" * size


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, uploads.PDF),
        (PNG, uploads.PNG),
        (JPEG, uploads.JPEG),
        (WEBP, uploads.WEBP),
        (XLSX, uploads.XLSX),
        (ODS, uploads.ODS),
        (b"Nosaukums;Skaits\nTalsi;12,5\n", uploads.CSV),
        ("\ufeffa,b\n1,2\n".encode(), uploads.CSV),
    ],
)
def test_each_kind_is_known_by_its_first_bytes(content, kind):
    assert detect_kind(content) is kind


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  <svg xmlns='http://www.w3.org/2000/svg'/>",
        "Nosaukums\n".encode("cp1257") + b"\xe2\xe8\n",  # not UTF-8
        b"a,b\n\x00\x01",
        b"a,b\x1b[31m\n",  # a terminal escape
        zipped({"word/document.xml": "<w/>"}),  # a zip that is no spreadsheet
        b"PK\x03\x04 cut short",
    ],
)
def test_what_is_none_of_the_kinds_is_unknown(content):
    assert detect_kind(content) is None


def test_a_spreadsheet_is_known_by_its_member_names_without_unpacking_them():
    # A member that would unpack to 100 MB: only the directory is read.
    bomb = zipped(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": "0" * 100_000_000,
        }
    )
    assert len(bomb) < 1_000_000
    assert detect_kind(bomb) is uploads.XLSX


def test_reading_stops_at_the_limit():
    upload = CountingUpload(total=10**9)
    with pytest.raises(UploadError, match="smaller than 1 MB"):
        uploads.read_limited(upload, 1024 * 1024)
    assert upload.read_bytes <= 1024 * 1024 + uploads.CHUNK_BYTES


def test_a_declared_size_over_the_limit_is_refused_before_reading():
    upload = SimpleUploadedFile("a.pdf", PDF * 100)
    with pytest.raises(UploadError):
        uploads.read_limited(upload, 100)


def test_a_file_at_the_limit_is_read_whole():
    upload = SimpleUploadedFile("a.pdf", PDF)
    assert uploads.read_limited(upload, len(PDF)) == PDF


def test_check_upload_gives_the_bytes_kind_safe_name_size_and_hash():
    checked = check_upload(SimpleUploadedFile("../../etc/Protokols.PDF", PDF), limit=10**6)
    assert checked.kind is uploads.PDF
    assert checked.name == "Protokols.pdf"
    assert checked.size == len(PDF)
    assert checked.content == PDF
    assert len(checked.sha256) == 64


def test_the_browsers_claim_and_the_name_are_not_believed():
    program = SimpleUploadedFile("report.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(UploadError, match="must be one of these"):
        check_upload(program, limit=10**6)


def test_a_kind_not_allowed_is_refused():
    with pytest.raises(UploadError):
        check_upload(SimpleUploadedFile("a.csv", b"a,b\n"), limit=10**6, allowed=uploads.IMAGES)


def test_an_empty_file_is_refused():
    with pytest.raises(UploadError, match="empty"):
        check_upload(SimpleUploadedFile("a.pdf", b""), limit=10**6)


@pytest.mark.parametrize(
    ("name", "kind", "safe"),
    [
        ("C:\\Users\\anna\\atskaite.pdf", uploads.PDF, "atskaite.pdf"),
        ("/etc/passwd", uploads.CSV, "passwd.csv"),
        ("report.pdf.exe", uploads.PDF, "report.pdf.exe.pdf"),
        ("bilde.jpeg", uploads.JPEG, "bilde.jpg"),
        ('a"\r\nb\x00c\u202e.png', uploads.PNG, "abc.png"),
        ("", uploads.PDF, "file.pdf"),
        ("...", uploads.PDF, "file.pdf"),
        ("Fokusa grupa — Talsi.xlsx", uploads.XLSX, "Fokusa grupa — Talsi.xlsx"),
    ],
)
def test_a_safe_name_has_no_path_no_control_characters_and_the_kinds_extension(name, kind, safe):
    assert safe_name(name, kind) == safe


def test_a_safe_name_is_bounded():
    name = safe_name("ā" * 100_000 + ".pdf", uploads.PDF)
    assert len(name) == uploads.NAME_MAX_LENGTH
    assert name.endswith(".pdf")
