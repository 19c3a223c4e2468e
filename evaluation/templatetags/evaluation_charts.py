"""{% load evaluation_charts %}: a KPI's chart and its numbers, as evaluation.charts draws
and formats them."""

from django import template

from ..charts import kpi_chart as draw_kpi_chart
from ..charts import kpi_number
from ..progress import number_text

register = template.Library()


@register.filter
def kpi_chart(progress):
    """The SVG chart of a Progress (evaluation.progress)."""
    return draw_kpi_chart(progress)


@register.filter
def kpi_decimal(value, decimals):
    """A stored or computed number at the KPI's decimals, as every page shows it
    (evaluation.progress.number_text; never |floatformat, which rounds differently)."""
    if value is None or value == "":
        return "–"
    return number_text(value, int(decimals))


@register.simple_tag
def kpi_value(kpi, value):
    """A value of the KPI with its decimals, the language's separators and its unit."""
    return kpi_number(kpi, value)
