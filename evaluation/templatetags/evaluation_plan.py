"""Filters for the evaluation plan as a frozen content holds it (evaluation/content.py):
numbers as text in the reader's language, codes as their names."""

from decimal import Decimal, InvalidOperation

from django import template

from ..models import CooperationSubject, EvaluationStage, Kpi
from ..progress import number_text

register = template.Library()

_CHOICES = {
    "kind": EvaluationStage.Kind,
    "subject": CooperationSubject,
    "direction": Kpi.Direction,
    "aggregation": Kpi.Aggregation,
}


@register.filter
def plan_number(value, decimals=0):
    """A number of the content ("40.5000") with the KPI's decimal places, localized."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return number_text(number, int(decimals or 0))


@register.filter
def plan_label(code, kind):
    """The name of a stage's kind, a subject, a KPI's direction or way of adding up, in the
    active language; an unknown code as itself."""
    choices = _CHOICES[kind]
    try:
        return choices(code).label
    except ValueError:
        return code
