"""The evaluation report of a partnership: what it holds, gathered once, as of the
municipality's today, for the report's page and its PDF (so the two cannot differ).

It is not the signed plan. Measurements, charts and evidence keep arriving after sign-off,
so they go into this dated report, which says which revision was signed (if one was)
instead of sealing anything.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from actionplans.models import PartnershipRevision
from actionplans.pdf import page_counter_css
from roadmap_portal.lib.pdf import html_to_pdf

from .models import CooperationSubject, EvaluationStage, Evidence
from .progress import Progress, progress_of_kpis

PDF_TEMPLATE = "evaluation/report_pdf.html"


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


def report_pdf(report: EvaluationReport) -> bytes:
    """The report as a tagged PDF in the current language, dates in the municipality's
    time zone. Made while the request waits: it is not sealed and not kept."""
    zone = zoneinfo.ZoneInfo(report.partnership.municipality.time_zone)
    with timezone.override(zone):
        html = render_to_string(PDF_TEMPLATE, report_context(report))
    return html_to_pdf(html)


def report_filename(report: EvaluationReport) -> str:
    """The title, "evaluation report" in the current language, and the date."""
    return "{title} – {what} {day}.pdf".format(
        title=report.partnership.title[:80], what=_("evaluation report"), day=report.as_of
    )
