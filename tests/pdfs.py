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
    assert untagged_parts(content) == []


def _resolved(node) -> list:
    """An array's items, or the one item, as objects (pyHanko's arrays iterate references)."""
    if isinstance(node, list):
        return [node[index] for index in range(len(node))]
    return [] if node is None else [node]


def _structure_elements(node):
    if isinstance(node, list):
        for child in _resolved(node):
            yield from _structure_elements(child)
    elif isinstance(node, DictionaryObject) and node.get("/Type") != "/OBJR" and "/S" in node:
        yield node
        yield from _structure_elements(node.get("/K"))


def untagged_parts(content: bytes) -> list[str]:
    """What a screen reader could not reach: a figure without alternative text, an
    annotation (a link, the seal's field) outside the structure tree or on a page whose tab
    order is not the structure's, a form field without a name for readers."""
    reader = PdfFileReader(io.BytesIO(content))
    tree = reader.root["/StructTreeRoot"]
    elements = list(_structure_elements(tree["/K"]))
    found = [
        f"a {e['/S']} without /Alt"
        for e in elements
        if e["/S"] == "/Figure" and not str(e.get("/Alt", "")).strip()
    ]
    numbers = tree["/ParentTree"]["/Nums"]
    parents = {
        int(numbers[index]): numbers.raw_get(index + 1) for index in range(0, len(numbers), 2)
    }
    for number in range(1, int(reader.root["/Pages"]["/Count"]) + 1):
        page = reader.find_page_for_modification(number - 1)[0].get_object()
        annotations = page.get("/Annots", [])
        if annotations and page.get("/Tabs") != "/S":
            found.append(f"page {number}: tab order not the structure's")
        for index in range(len(annotations)):
            reference = annotations.raw_get(index)
            annotation = reference.get_object()
            kind = annotation.get("/Subtype")
            parent = parents.get(int(annotation.get("/StructParent", -1)))
            kids = _resolved(parent.get_object().get("/K")) if parent is not None else []
            if not any(
                isinstance(kid, DictionaryObject) and kid.raw_get("/Obj") == reference
                for kid in kids
            ):
                found.append(f"page {number}: a {kind} annotation outside the structure tree")
            expected = {"/Link": "/Link", "/Widget": "/Form"}.get(kind)
            if parent is not None and expected and parent.get_object()["/S"] != expected:
                found.append(f"page {number}: a {kind} annotation in a {parent.get_object()['/S']}")
    form_fields = reader.root["/AcroForm"]["/Fields"] if "/AcroForm" in reader.root else []
    for index in range(len(form_fields)):
        field = form_fields[index]
        if not str(field.get("/TU", "")).strip():
            found.append(f"the form field {field.get('/T')} has no name for readers")
    return found
