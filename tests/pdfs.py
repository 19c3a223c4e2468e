"""Reading the PDFs the portal makes: poppler's pdftotext and pdfinfo for the text, and
pyHanko's reader (a dependency already, for the seal) for the catalogue and metadata."""

import io
import re
import shutil
import subprocess

import pytest
from defusedxml import ElementTree
from pyhanko.pdf_utils.generic import DictionaryObject
from pyhanko.pdf_utils.reader import PdfFileReader


def _poppler(tool, content, tmp_path, *arguments) -> str:
    executable = shutil.which(tool)
    if not executable:
        pytest.fail(f"{tool} not found: apt-get install poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        [executable, *arguments, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdf_text(content: bytes, tmp_path) -> str:
    return _poppler("pdftotext", content, tmp_path, "-layout")


def pdf_text_overflow(content: bytes, tmp_path, *, right_margin: float) -> list[str]:
    """The words printed past the right margin (`right_margin` points from the page's
    edge), with their page: what a table wider than its page leaves."""
    boxes = _poppler("pdftotext", content, tmp_path, "-bbox")
    overflowing, page, width = [], 0, 0.0
    for line in boxes.splitlines():
        if found := re.search(r'<page width="([\d.]+)"', line):
            page, width = page + 1, float(found[1])
        elif (found := re.search(r'xMax="([\d.]+)"[^>]*>([^<]*)<', line)) and float(
            found[1]
        ) > width - right_margin + 0.5:
            overflowing.append(f"page {page}: {found[2]}")
    return overflowing


def pdf_info(content: bytes, tmp_path) -> dict:
    """pdfinfo's fields: Title, Tagged, Pages, ..."""
    lines = _poppler("pdfinfo", content, tmp_path).splitlines()
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def pdf_catalog(content: bytes) -> DictionaryObject:
    """The catalogue (the PDF's root object) as pyHanko reads it: of the last revision, so
    of the sealed one for a sealed PDF."""
    return PdfFileReader(io.BytesIO(content), strict=True).root


def pdf_xmp(content: bytes) -> dict:
    """The XMP metadata's PDF/UA part and title, wherever a writer put them (an attribute
    of an rdf:Description or an element)."""
    catalog = pdf_catalog(content)
    assert "/Metadata" in catalog, "no XMP metadata"
    root = ElementTree.fromstring(catalog["/Metadata"].data)
    descriptions = root.iter(f"{{{XMP['rdf']}}}Description")
    part = None
    for description in descriptions:
        part = part or description.get(f"{{{XMP['pdfuaid']}}}part")
    for element in root.iter(f"{{{XMP['pdfuaid']}}}part"):
        part = part or element.text
    titles = [item.text or "" for item in root.iterfind(".//dc:title/rdf:Alt/rdf:li", XMP)]
    return {"part": part, "titles": titles}


def assert_tagged(content: bytes, *, lang: str) -> None:
    """PDF/UA-1's marks: a structure tree with content, marked content, the language, the
    title shown instead of the file name, and XMP metadata that claims PDF/UA-1 and holds
    the same title as the document information."""
    catalog = pdf_catalog(content)
    assert "/StructTreeRoot" in catalog, "no structure tree"
    tree = catalog["/StructTreeRoot"]
    children = tree.get("/K")
    assert children is not None and (not isinstance(children, list) or children), "empty tree"
    assert "/MarkInfo" in catalog and bool(catalog["/MarkInfo"].get("/Marked")), "not marked"
    preferences = catalog.get("/ViewerPreferences", {})
    assert bool(preferences.get("/DisplayDocTitle")), "the title is not shown"
    assert str(catalog.get("/Lang")) == lang
    info = PdfFileReader(io.BytesIO(content)).trailer["/Info"]
    title = str(info.get("/Title", "")).strip()
    assert title, "no document title"
    xmp = pdf_xmp(content)
    assert xmp["part"] == "1", xmp
    assert xmp["titles"] == [title], (xmp, title)
