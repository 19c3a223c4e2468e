"""PDFs with WeasyPrint that fetch nothing but the portal's own static files.

Templates address stylesheets and images as `static:/path` (the `pdf_static` tag); every
fetch, the stylesheets passed here included, goes through StaticFilesOnlyFetcher, which
reads them through Django's staticfiles finders and refuses everything else: no network,
no other file of the disk. User text reaches WeasyPrint escaped by the template engine,
never as markup.
"""

import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

SCHEME = "static:"
PRINT_CSS = f"{SCHEME}/css/print.css"


class StaticFilesOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs):
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


def render_pdf(template, context, *, request=None, fetcher=None) -> bytes:
    """Render a Django template to PDF bytes with the print stylesheet."""
    fetcher = fetcher or StaticFilesOnlyFetcher()
    html = render_to_string(template, context, request=request)
    document = HTML(string=html, base_url=f"{SCHEME}/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(url=PRINT_CSS, url_fetcher=fetcher)])
