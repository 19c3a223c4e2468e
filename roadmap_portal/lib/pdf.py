"""PDFs with WeasyPrint that fetch nothing but the portal's own static files.

Templates extend `print/base.html` (the document's language and title, the running header
and footer); html_to_pdf adds the print stylesheet (static/css/print.css). Anything a
template would fetch, an image say, is addressed as `static:/path`: every fetch goes through
StaticFilesOnlyFetcher, which reads it through Django's staticfiles finders and refuses
everything else: no network, no other file of the disk. User text reaches WeasyPrint
escaped by the template engine, never as markup, and through the `printable` filter of
`{% load pdf %}` (roadmap_portal/templatetags/pdf.py), which bounds how long WeasyPrint's
line breaking can take on it. Every PDF is tagged (PDF/UA-1); views send it with
pdf_response.
"""

import functools
import mimetypes
import re
import ssl
import unicodedata
from pathlib import Path
from urllib.parse import quote

from anyascii import anyascii
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

SCHEME = "static:"
PRINT_CSS = f"{SCHEME}/css/print.css"
# Tagged: a screen reader reads headings, lists and paragraphs in order, in the document's
# language, and shows its title (StructTreeRoot, MarkInfo, Lang, DisplayDocTitle).
PDF_VARIANT = "pdf/ua-1"

# WeasyPrint lays out a run with no break opportunity again for every line it fills: a
# 20,000-character word takes 10 s with `overflow-wrap: anywhere`, and a grapheme of 20,000
# combining marks as long. A break opportunity (a zero-width space, invisible) after every
# UNBROKEN_RUN characters with none, and at most MAX_CLUSTER marks or joiners on one letter,
# keep it near the time of ordinary text. 40 characters of the widest letters fit the line.
UNBROKEN_RUN = 40
MAX_CLUSTER = 8
ZERO_WIDTH_SPACE = "\u200b"
ZERO_WIDTH_JOINER = "\u200d"
_UNBROKEN = re.compile(rf"[^ \t\n{ZERO_WIDTH_SPACE}]{{{UNBROKEN_RUN}}}")
_SPACES = re.compile(r"[ \t]{2,}|\t")
_LINE_EDGES = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_JOINING = frozenset({"Mn", "Mc", "Me", "Cf"})


@functools.cache  # on the first text that needs it, not at every process's start
def _joining_class():
    """A regex class of the marks and format characters (planes 0, 1 and 14), built once:
    most texts have none, and a regex finds that far faster than a loop in Python."""
    ranges, start = [], None
    for code in [*range(0x20000), *range(0xE0000, 0xE1000), 0x10FFFF]:
        joining = code != 0x10FFFF and unicodedata.category(chr(code)) in _JOINING
        if joining and start is None:
            start = code
        elif not joining and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile(f"[{''.join(ranges)}]")


# Printed characters per line of an A4 page in the print stylesheet's 10 pt type.
CHARACTERS_PER_LINE = 90


def _capped_clusters(text):
    kept, cluster, joined = [], 0, False
    for char in text:
        if unicodedata.category(char) in _JOINING or joined:
            cluster += 1
            if cluster > MAX_CLUSTER:
                joined = False
                continue
        else:
            cluster = 0
        # A joiner or a virama joins the next letter to this cluster.
        joined = char == ZERO_WIDTH_JOINER or unicodedata.combining(char) == 9
        kept.append(char)
    return "".join(kept)


def printable(text) -> str:
    """User text as a PDF prints it: one blank line at most between paragraphs, single
    spaces and none at a line's ends, no endless clusters, a break opportunity in every
    long run. What it says is unchanged; the stored text is not touched.

    Its spaces are already as `white-space: pre-line` would collapse them, so it prints the
    same with `pre-wrap`, which WeasyPrint lays out faster (no second try to fit the next
    word on each line: a fifth fewer text layouts in a long table)."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text)).strip(" ")
    text = _BLANK_LINES.sub("\n\n", text)
    if not text.isascii() and _joining_class().search(text):
        text = _capped_clusters(text)
    return _UNBROKEN.sub(lambda match: match.group(0) + ZERO_WIDTH_SPACE, text)


def printed_lines(text) -> int:
    """About how many lines the text takes in a PDF: what its render time grows with."""
    text = printable(text)
    if not text:
        return 0
    return sum(max(1, -(-len(line) // CHARACTERS_PER_LINE)) for line in text.split("\n"))


class StaticFilesOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs):
        # URLFetcher sets up urllib's handlers; left to itself, its HTTPS one loads the
        # system's CA certificates, 20-40 ms: half the time of a one-page PDF, for a
        # fetcher that never goes to the network. An empty context instead: it trusts no
        # one, and fetch() below never uses it.
        kwargs.setdefault("ssl_context", ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        super().__init__(allowed_protocols=["static"], allow_redirects=False, **kwargs)
        self.fetched = []

    def fetch(self, url, headers=None):
        if not url.startswith(f"{SCHEME}/"):
            raise URLFetchingError(
                f"Refused to fetch {url!r}: PDFs use the portal's static files only."
            )
        relative = url.removeprefix(f"{SCHEME}/").split("?")[0].split("#")[0]
        found = None if ".." in Path(relative).parts else finders.find(relative)
        if not found:
            raise URLFetchingError(f"No static file {relative!r}.")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def html_to_pdf(html, *, fetcher=None) -> bytes:
    """PDF bytes of an HTML page with the print stylesheet."""
    fetcher = fetcher or StaticFilesOnlyFetcher()
    document = HTML(string=html, base_url=f"{SCHEME}/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(url=PRINT_CSS, url_fetcher=fetcher)], pdf_variant=PDF_VARIANT
    )


def render_pdf(template, context, *, request=None, fetcher=None) -> bytes:
    """Render a Django template to PDF bytes with the print stylesheet."""
    return html_to_pdf(render_to_string(template, context, request=request), fetcher=fetcher)


_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def pdf_response(content: bytes, *, filename: str, inline=False, private=True) -> HttpResponse:
    """A PDF for the browser: downloaded (or shown, `inline`) as filename, which may hold any
    letters (an ASCII copy for old clients, the UTF-8 name for the rest, RFC 6266). A
    `private` one (anything behind a sign-in) is kept by no cache, the browser's included."""
    response = HttpResponse(content, content_type="application/pdf")
    ascii_name = _UNSAFE_IN_FILENAME.sub("-", anyascii(filename)).strip("-.") or "document.pdf"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Content-Length"] = str(len(content))
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response
