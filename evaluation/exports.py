"""A partnership's KPIs and measurements as spreadsheet rows (roadmap_portal.lib.spreadsheets
makes the CSV and the XLSX of them): a header in the user's language, then one row each.

Numbers are numbers (Decimal, int), dates are dates: an XLSX gets number and date cells, a
CSV their plain forms (12.5, 2026-06-30), never "N/A" (an empty cell is no value). A KPI's
value, progress and state come from progress_of_kpis, as on every page.
"""

import zoneinfo
from decimal import Decimal

from anyascii import anyascii
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Kpi, Measurement
from .progress import progress_of_kpis, rounded


def _number(value: Decimal | None, decimals: int) -> Decimal | None:
    """A value at the KPI's decimals; a stored one with more digits keeps them (nothing
    entered is rounded away)."""
    if value is None:
        return None
    at_decimals = rounded(value, decimals)
    return at_decimals if at_decimals == value else value.normalize()


def _computed(value: Decimal | None, decimals: int) -> Decimal | None:
    """A computed value (an average has endless digits) at the KPI's decimals."""
    return None if value is None else rounded(value, decimals)


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def partnership_kpis(partnership):
    kpis = list(partnership.kpis.all())
    for kpi in kpis:
        kpi.partnership = partnership  # its municipality is loaded already
    return kpis


def kpi_rows(partnership):
    """The header, then a row per KPI in order."""
    today = partnership.local_today()
    progresses = progress_of_kpis(partnership_kpis(partnership), today_of=lambda kpi: today)
    yield [
        _("KPI"),
        _("Unit"),
        _("Direction"),
        _("How measurements add up"),
        _("Baseline"),
        _("Date of the baseline"),
        _("Target"),
        _("Date of the target"),
        _("Value"),
        _("Progress (%)"),
        _("State"),
        _("Measurements counted"),
        _("Source of the data"),
        _("How it is measured"),
    ]
    for progress in progresses:
        kpi = progress.kpi
        yield [
            kpi.name,
            kpi.unit,
            kpi.get_direction_display(),
            kpi.get_aggregation_display(),
            _number(kpi.baseline_value, kpi.decimals),
            kpi.baseline_on,
            _number(kpi.target_value, kpi.decimals),
            kpi.target_on,
            _computed(progress.value, kpi.decimals),
            progress.percent,
            str(progress.state.label),
            progress.counted,
            kpi.source,
            kpi.method,
        ]


def _local(moment, zone):
    """A moment as the municipality's clock showed it, to the second: a spreadsheet's
    cells hold no time zone."""
    if moment is None:
        return None
    return timezone.localtime(moment, zone).replace(tzinfo=None, microsecond=0)


def measurement_rows(partnership):
    """The header, then a row per measurement of every status, by KPI and date."""
    zone = zoneinfo.ZoneInfo(partnership.municipality.time_zone)
    measurements = (
        Measurement.objects.filter(kpi__partnership=partnership)
        .select_related("kpi", "entered_for", "entered_by", "reviewed_by")
        .order_by("kpi__position", "kpi_id", "measured_on", "id")
    )
    yield [
        _("KPI"),
        _("Date"),
        _("Value"),
        _("Unit"),
        _("Estimate"),
        _("Status"),
        _("Entered for"),
        _("Entered by"),
        _("Decided by"),
        _("Decided at"),
        _("Reason"),
        _("Source"),
        _("Note"),
    ]
    for measurement in measurements:
        kpi: Kpi = measurement.kpi
        party = measurement.entered_for or partnership.municipality
        yield [
            kpi.name,
            measurement.measured_on,
            _number(measurement.value, kpi.decimals),
            kpi.unit,
            _yes_no(measurement.is_estimate),
            measurement.get_status_display(),
            party.name,
            str(measurement.entered_by) if measurement.entered_by else "",
            str(measurement.reviewed_by) if measurement.reviewed_by else "",
            _local(measurement.reviewed_at, zone),
            measurement.review_note,
            measurement.source,
            measurement.note,
        ]


def export_filename(partnership, what: str, extension: str) -> str:
    """ "<partnership>-<what>-<date>.<extension>" in ASCII (a header's plain filename)."""
    title = slugify(anyascii(partnership.title))[:60].strip("-") or f"partnership-{partnership.pk}"
    what = slugify(anyascii(what))
    return f"{title}-{what}-{partnership.local_today().isoformat()}.{extension}"


def kpis_filename(partnership, extension):
    return export_filename(partnership, pgettext("a file name", "kpis"), extension)


def measurements_filename(partnership, extension):
    return export_filename(partnership, pgettext("a file name", "measurements"), extension)
