"""Uploaded files, read once and trusted for nothing they claim.

An upload is read up to a byte limit, never further (read_limited); its type is what its
first bytes say, never its name or the browser's Content-Type (detect_kind); and the name it
is served under is made safe: no path, no control characters, a bounded length and the
extension of the detected type (safe_name). check_upload does the three for a form field.

A spreadsheet (XLSX, ODS) is a zip archive: it is recognised by the names of its members,
read from the archive's directory, and never unpacked here (a zip bomb stays packed).
"""

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The longest file name kept, extension included (most file systems take 255 bytes).
NAME_MAX_LENGTH = 120
CHUNK_BYTES = 64 * 1024
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str
    label: str


PDF = Kind("pdf", "application/pdf", "pdf", gettext_lazy("PDF"))
PNG = Kind("png", "image/png", "png", gettext_lazy("PNG image"))
JPEG = Kind("jpeg", "image/jpeg", "jpg", gettext_lazy("JPEG image"))
WEBP = Kind("webp", "image/webp", "webp", gettext_lazy("WebP image"))
XLSX = Kind(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    gettext_lazy("Excel spreadsheet (XLSX)"),
)
ODS = Kind(
    "ods",
    "application/vnd.oasis.opendocument.spreadsheet",
    "ods",
    gettext_lazy("OpenDocument spreadsheet (ODS)"),
)
CSV = Kind("csv", "text/csv; charset=utf-8", "csv", gettext_lazy("CSV text"))

KINDS = (PDF, PNG, JPEG, WEBP, XLSX, ODS, CSV)
IMAGES = (PNG, JPEG, WEBP)
SPREADSHEETS = (XLSX, ODS, CSV)


class UploadError(Exception):
    """The upload is refused: the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    kind: Kind
    name: str
    size: int
    sha256: str


def megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def too_large(limit: int) -> UploadError:
    return UploadError(_("The file must be smaller than %(size)s MB.") % {"size": megabytes(limit)})


def read_limited(upload, limit: int) -> bytes:
    """The upload's bytes; UploadError as soon as it holds more than `limit`, having read
    at most one chunk beyond it (a size the client declared is not believed either)."""
    if getattr(upload, "size", None) is not None and upload.size > limit:
        raise too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    parts, total = [], 0
    chunks = upload.chunks(CHUNK_BYTES) if hasattr(upload, "chunks") else _chunks_of(upload)
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


def _chunks_of(stream):
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _zip_kind(content: bytes) -> Kind | None:
    # ODF puts an uncompressed "mimetype" member first, so its type is in the first bytes.
    if content[30:38] == b"mimetype" and content[38 : 38 + len(ODS_MIMETYPE)] == ODS_MIMETYPE:
        return ODS
    try:
        # The central directory only: names and sizes, nothing is decompressed.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return None
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return XLSX
    return None


def _is_csv(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    start = text.lstrip()[:1]
    # Markup (HTML, SVG, XML) is not a table, whatever its name says.
    if start == "<":
        return False
    return all(char in "\t\n\r" or unicodedata.category(char) != "Cc" for char in text[:65536])


def detect_kind(content: bytes) -> Kind | None:
    """The type the first bytes say, or None when they say none of KINDS."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content[:4] == b"PK\x03\x04":
        return _zip_kind(content)
    if _is_csv(content):
        return CSV
    return None


def safe_name(name: str, kind: Kind, *, default: str = "file") -> str:
    """The name to store and serve a file under: its last path part, without control or
    formatting characters or quotes, at most NAME_MAX_LENGTH characters, ending in the
    detected type's extension (a "report.pdf.exe" that is a PDF becomes "report.pdf.pdf")."""
    name = PureWindowsPath(PurePosixPath(str(name or "")).name).name
    name = "".join(
        char
        for char in unicodedata.normalize("NFC", name)
        if unicodedata.category(char)[0] not in "CZ" or char == " "
    )
    name = name.replace('"', "").replace("\\", "").strip(" .")
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in {kind.extension, *_aliases(kind)}:
        name = stem.strip(" .")
    stem = name[: NAME_MAX_LENGTH - len(kind.extension) - 1].strip(" .") or default
    return f"{stem}.{kind.extension}"


def _aliases(kind: Kind) -> set[str]:
    return {"jpeg", "jpe"} if kind is JPEG else set()


def allowed_labels(allowed) -> str:
    return ", ".join(str(kind.label) for kind in allowed)


def check_upload(upload, *, limit: int, allowed=KINDS) -> CheckedUpload:
    """Read an upload (up to `limit` bytes) and find its type among `allowed`: the bytes,
    the type, a safe name, the size and the SHA-256. UploadError saying why otherwise."""
    content = read_limited(upload, limit)
    if not content:
        raise UploadError(_("The file is empty."))
    kind = detect_kind(content)
    if kind not in allowed:
        raise UploadError(
            _("The file must be one of these: %(kinds)s. This one is not.")
            % {"kinds": allowed_labels(allowed)}
        )
    return CheckedUpload(
        content=content,
        kind=kind,
        name=safe_name(getattr(upload, "name", ""), kind),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
