"""The evaluation report of a partnership: what it holds, gathered once, as of the
municipality's today, for the report's page and its PDF (so the two cannot differ).

It is not the signed plan. Measurements, charts and evidence keep arriving after sign-off,
so they go into this dated report, which says which revision was signed (if one was)
instead of sealing anything.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, Length
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from actionplans.models import PartnershipRevision
from actionplans.pdf import page_counter_css
from roadmap_portal.lib.background_pdf import fingerprint_of
from roadmap_portal.lib.pdf import CHARACTERS_PER_LINE, html_to_pdf

from .models import CooperationSubject, EvaluationStage, Evidence, Measurement
from .progress import Progress, progress_of_kpis

PDF_TEMPLATE = "evaluation/report_pdf.html"
# What the estimate counts, in printed lines: a KPI's heading, facts and chart (the chart
# costs WeasyPrint about what 40 lines of text do), a row of its table (cells cost more
# than running text), a stage's and a piece of evidence's heading and facts.
KPI_LINES = 40
MEASUREMENT_LINES = 2
STAGE_LINES = 7
EVIDENCE_LINES = 8


@dataclass(frozen=True)
class ReportStage:
    stage: EvaluationStage
    subjects: list[str]  # the labels of what of the cooperation itself it evaluates


@dataclass(frozen=True)
class EvaluationReport:
    partnership: object
    as_of: datetime.date
    partners: list[tuple[str, str]]  # (name, role), in the partnership's order
    signed_revision: PartnershipRevision | None  # the latest signed one
    kpis: list[Progress]
    stages: list[ReportStage]
    evidence: list[Evidence]  # each with file_name ("" without a file)

    @property
    def title(self) -> str:
        return _("Evaluation report of %(title)s") % {"title": self.partnership.title}


def evaluation_report(partnership) -> EvaluationReport:
    """What the report of `partnership` (with its municipality loaded) holds today, in the
    municipality's time zone. Progress comes from progress_of_kpis, as everywhere."""
    as_of = partnership.local_today()
    kpis = list(partnership.kpis.all())
    for kpi in kpis:
        kpi.partnership = partnership
    subjects = dict(CooperationSubject.choices)
    return EvaluationReport(
        partnership=partnership,
        as_of=as_of,
        partners=[
            (member.partner_name, member.get_role_display())
            for member in partnership.members.select_related("organization", "municipality")
        ],
        signed_revision=partnership.revisions.filter(status=PartnershipRevision.Status.SIGNED)
        .order_by("-number")
        .first(),
        kpis=progress_of_kpis(kpis, today_of=lambda kpi: as_of),
        stages=[
            ReportStage(stage, [str(subjects.get(code, code)) for code in stage.subjects])
            for stage in partnership.evaluation_stages.all()
        ],
        # The file's name only: its content stays in the database.
        evidence=list(
            partnership.evidence.select_related("stage")
            .annotate(file_name=F("file__name"))
            .order_by("gathered_on", "id")
        ),
    )


def report_context(report: EvaluationReport) -> dict:
    return {
        "report": report,
        "partnership": report.partnership,
        "page_counter": page_counter_css(),
        "LANGUAGE_CODE": get_language(),
    }


def report_html(report: EvaluationReport) -> str:
    """The report's printed HTML in the current language, dates in the municipality's time
    zone. No request: the task worker renders the same HTML as a request does."""
    zone = zoneinfo.ZoneInfo(report.partnership.municipality.time_zone)
    with timezone.override(zone):
        return render_to_string(PDF_TEMPLATE, report_context(report))


def report_pdf(report: EvaluationReport) -> bytes:
    """The report as a tagged PDF in the current language (not sealed)."""
    return html_to_pdf(report_html(report))


def estimated_lines(partnership) -> int:
    """About how many lines the report's PDF lays out, from counts and lengths the database
    sums (four small queries, nothing gathered): what its print time grows with, in the
    lines of settings.PDF_BACKGROUND_LINES (roadmap_portal/lib/pdf.py's printed_lines)."""

    def text_lines(queryset, characters):
        found = queryset.aggregate(rows=Count("pk"), characters=Coalesce(Sum(characters), 0))
        return found["rows"], found["characters"] // CHARACTERS_PER_LINE

    kpis, kpi_text = text_lines(partnership.kpis.all(), Length("source") + Length("method"))
    stages, stage_text = text_lines(partnership.evaluation_stages.all(), Length("findings"))
    evidence, evidence_text = text_lines(partnership.evidence.all(), Length("summary"))
    measurements = Measurement.objects.filter(
        kpi__partnership=partnership, status=Measurement.Status.APPROVED
    ).count()
    return (
        kpis * KPI_LINES
        + measurements * MEASUREMENT_LINES
        + stages * STAGE_LINES
        + evidence * EVIDENCE_LINES
        + kpi_text
        + stage_text
        + evidence_text
    )


class ReportPrint:
    """A partnership's evaluation report as its PDF prints it, in the current language:
    made in the request when it is small, by the task worker (evaluation.tasks) when its
    estimated lines are over settings.PDF_BACKGROUND_LINES. Gathered only when printed or
    fingerprinted: the estimate reads counts."""

    def __init__(self, partnership):
        self.partnership = partnership
        self.language = get_language() or settings.LANGUAGE_CODE

    @cached_property
    def lines(self) -> int:
        return estimated_lines(self.partnership)

    @property
    def in_background(self) -> bool:
        return self.lines > settings.PDF_BACKGROUND_LINES

    @cached_property
    def report(self) -> EvaluationReport:
        return evaluation_report(self.partnership)

    @cached_property
    def html(self) -> str:
        return report_html(self.report)

    @cached_property
    def fingerprint(self) -> str:
        """Of what the PDF shows, its date (the municipality's today) included."""
        return fingerprint_of(self.html)

    def pdf(self) -> bytes:
        return html_to_pdf(self.html)

    @property
    def filename(self) -> str:
        return report_filename(self.report)


def report_filename(report: EvaluationReport) -> str:
    """The title, "evaluation report" in the current language, and the date."""
    return "{title} – {what} {day}.pdf".format(
        title=report.partnership.title[:80], what=_("evaluation report"), day=report.as_of
    )
