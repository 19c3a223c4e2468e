"""Reading the PDFs the portal makes, without a PDF library: poppler's pdftotext for the
text, and the catalogue (the PDF's root object) found in its object streams."""

import re
import shutil
import subprocess
import zlib

import pytest


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


def _dictionary_at(text: str, start: int) -> str:
    depth, index = 0, start
    while index < len(text):
        if text.startswith("<<", index):
            depth, index = depth + 1, index + 2
        elif text.startswith(">>", index):
            depth, index = depth - 1, index + 2
            if depth == 0:
                return text[start:index]
        else:
            index += 1
    raise AssertionError("unterminated dictionary")


def pdf_catalog(content: bytes) -> str:
    """The catalogue dictionary as text, whether it is written plain or inside a
    compressed object stream (WeasyPrint's default)."""
    chunks = [content.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            chunks.append(zlib.decompressobj().decompress(content[match.end() :]).decode("latin-1"))
        except zlib.error:
            continue
    text = "\n".join(chunks)
    found = re.search(r"/Type\s*/Catalog\b", text)
    assert found, "no catalogue"
    return _dictionary_at(text, text.rindex("<<", 0, found.start()))


def assert_tagged(content: bytes, *, lang: str) -> None:
    """PDF/UA's marks: a structure tree, marked content, the language, the title shown."""
    catalog = pdf_catalog(content)
    assert re.search(r"/StructTreeRoot \d+ 0 R", catalog), catalog
    assert re.search(r"/MarkInfo\s*<<\s*/Marked true\s*>>", catalog), catalog
    assert re.search(r"/ViewerPreferences\s*<<\s*/DisplayDocTitle true\s*>>", catalog), catalog
    assert f"/Lang ({lang})" in catalog, catalog
