"""A roadmap printed as a PDF: now for a short one, by the task worker for a long one.

WeasyPrint's time grows with the printed lines: at the answer limits a roadmap takes
seconds (docs/performance.md). A roadmap of more than settings.PDF_BACKGROUND_LINES
estimated lines is made by the task worker (checklists.tasks), so that no request holds a
web worker for long; a shorter one is made in the request.
"""

from functools import cached_property

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from roadmap_portal.lib.background_pdf import fingerprint_of
from roadmap_portal.lib.pdf import html_to_pdf, printed_lines

TEMPLATE = "checklists/roadmap_pdf.html"
# Headings, status and spacing of one checkpoint, in lines.
CHECKPOINT_LINES = 4


class RoadmapPrint:
    """What a roadmap's PDF shows, in the current language. `steps`: the roadmap's
    answers_by_step() when the caller has them already."""

    def __init__(self, roadmap, *, steps=None):
        self.roadmap = roadmap
        self.steps = roadmap.answers_by_step() if steps is None else steps
        self.language = get_language() or settings.LANGUAGE_CODE

    @cached_property
    def lines(self) -> int:
        """About how many lines the PDF has: what its render time grows with."""
        total = 0
        for item in self.steps:
            for answer in item["answers"]:
                total += CHECKPOINT_LINES + printed_lines(answer.text)
                total += printed_lines(answer.not_applicable_reason)
                total += sum(printed_lines(detail) + 1 for _name, detail in answer.need_items)
        return total

    @property
    def in_background(self) -> bool:
        return self.lines > settings.PDF_BACKGROUND_LINES

    def html(self, *, generated_at=None) -> str:
        # No request: the worker renders the same HTML as a request does.
        return render_to_string(
            TEMPLATE,
            {
                "roadmap": self.roadmap,
                "steps": self.steps,
                "generated_at": generated_at,
                "LANGUAGE_CODE": self.language,
            },
        )

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of what the PDF shows, its print date aside: another after any change."""
        return fingerprint_of(self.html())

    def pdf(self) -> bytes:
        return html_to_pdf(self.html(generated_at=timezone.now()))


def pdf_filename(roadmap):
    return f"roadmap-{roadmap.pk}.pdf"
