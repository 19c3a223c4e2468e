"""The signed PDF of a partnership revision: printed from the revision's frozen content
(never the live rows) in one language, then sealed (roadmap_portal.lib.seal).

The task worker makes it (actionplans.tasks), once per revision and language; the request
only serves the kept bytes. The verification link and its QR code are printed on it, so a
reader of the paper can check it on the portal's public page.
"""

import datetime
import zoneinfo

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from roadmap_portal.lib.pdf import html_to_pdf
from roadmap_portal.lib.seal import seal_pdf

from .content import content_labels, sections_of

TEMPLATE = "actionplans/revision_pdf.html"

# The language a municipality's signed PDF is made in first, by its country; others on
# request. A country whose language the portal does not speak gets English.
COUNTRY_LANGUAGES = {"LV": "lv", "LT": "lt", "SE": "sv", "PT": "pt", "CY": "el"}
FALLBACK_LANGUAGE = "en"


def language_of_country(country) -> str:
    return COUNTRY_LANGUAGES.get(str(country or "").upper(), FALLBACK_LANGUAGE)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _css_string(text: str) -> str:
    # A CSS string inside <style>: quotes and backslashes escaped, no "<" to end the element.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + escaped.replace("\n", " ") + '"'


def page_counter_css() -> str:
    """CSS `content` for "Page 3 of 12" in the current language, from one translatable
    string with its two places (a translation may put them in any order)."""
    label = gettext("Page %(page)s of %(pages)s")
    parts, rest = [], label
    while rest:
        positions = [(rest.find(key), key) for key in ("%(page)s", "%(pages)s") if key in rest]
        if not positions:
            parts.append(_css_string(rest))
            break
        index, key = min(positions)
        if index:
            parts.append(_css_string(rest[:index]))
        parts.append("counter(page)" if key == "%(page)s" else "counter(pages)")
        rest = rest[index + len(key) :]
    return " ".join(parts)


def verification_url(revision) -> str:
    return settings.PORTAL_URL + revision.get_verification_url()


def qr_svg(url: str) -> str:
    """The QR code of url as inline SVG markup: made here, nothing fetched or written. Its
    <title>, in the current language, is what the tagged PDF's Figure says to a screen
    reader (its /Alt): PDF/UA-1 wants one on every figure."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=3, border=2, title=gettext("QR code of the verification link"))
    # Markup the portal made from its own address and a code of [2-9a-z], and a title that
    # segno escapes: no user text.
    return mark_safe(svg)  # noqa: S308


class RevisionPrint:
    """What a signed revision's PDF shows, in `language`."""

    def __init__(self, revision, *, language):
        self.revision = revision
        self.language = language

    def context(self) -> dict:
        content = self.revision.content
        partnership = dict(content["partnership"])
        labels = content_labels(content)
        partnership["starts_on"] = _date(partnership.get("starts_on"))
        partnership["ends_on"] = _date(partnership.get("ends_on"))
        actions = [
            {
                **action,
                "starts_on": _date(action.get("starts_on")),
                "deadline": _date(action.get("deadline")),
            }
            for action in content["actions"]
        ]
        url = verification_url(self.revision)
        return {
            "revision": self.revision,
            "partnership": partnership,
            "members": [
                {**member, "role_label": labels["roles"].get(member["role"], member["role"])}
                for member in content["members"]
            ],
            "target_groups": [
                labels["target_groups"].get(slug, slug) for slug in partnership["target_groups"]
            ],
            "needs": [
                (labels["needs"].get(slug, slug), detail)
                for slug, detail in sorted(partnership.get("needs", {}).items())
            ],
            "cooperation_forms": [
                labels["cooperation_forms"].get(code, code)
                for code in partnership.get("cooperation_forms", [])
            ],
            "actions": actions,
            "communications": content["communications"],
            "sections": sections_of(content),
            "signatures": list(self.revision.signatures.order_by("signed_at", "id")),
            "verification_url": url,
            "qr_svg": qr_svg(url),
            "page_counter": page_counter_css(),
            "LANGUAGE_CODE": self.language,
        }

    def html(self) -> str:
        # Dates as the municipality's calendar has them, in the PDF's language.
        zone = zoneinfo.ZoneInfo(self.revision.partnership.municipality.time_zone)
        with translation.override(self.language), timezone.override(zone):
            return render_to_string(TEMPLATE, self.context())

    def unsealed_pdf(self) -> bytes:
        return html_to_pdf(self.html())

    def pdf(self) -> bytes:
        """The sealed PDF."""
        return seal_pdf(self.unsealed_pdf())


def pdf_filename(revision) -> str:
    return f"partnership-{revision.partnership_id}-revision-{revision.number}.pdf"
