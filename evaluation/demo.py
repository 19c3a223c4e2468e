"""The demo partnership's evaluation: two KPIs with approved, waiting and rejected
measurements, three stages and a focus group, so that the charts, the dashboards and the
report have something to show with the demo accounts (README.md). Loaded after
actionplans' demo partnership, dated around today."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.demo import TITLE
from actionplans.models import Partnership
from orgs.models import Organization

from .models import CooperationSubject, EvaluationStage, Evidence, Kpi
from .services import measurement_enter, measurement_review


def _user(email):
    return get_user_model().objects.filter(email__iexact=email).first()


@transaction.atomic
def demo_evaluation_load() -> tuple[Partnership, bool]:
    """The demo partnership's evaluation and whether it was made now: made once (while the
    partnership has no KPI), never changed afterwards. Refused unless DEMO_DATA_ALLOWED."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo data is refused here (DEMO_DATA_ALLOWED is off).")
    partnership = Partnership.objects.filter(municipality__slug="talsi", title=TITLE).first()
    brinumins = Organization.objects.filter(slug="brinumins").first()
    if partnership is None or brinumins is None:
        raise ImproperlyConfigured("Load the demo partnership first (load_demo_partnerships).")
    if partnership.kpis.exists():
        return partnership, False
    staff = _user("staff.talsi@example.org")
    coordinator = _user("coordinator.talsi@example.org")
    representative = _user("rep.brinumins@example.org")
    today = partnership.local_today()

    def day(offset):
        return today + datetime.timedelta(days=offset)

    families = Kpi.objects.create(
        partnership=partnership,
        position=0,
        name="Ģimenes, kas saņem atelpas brīžus",
        unit="ģimenes",
        decimals=0,
        direction=Kpi.Direction.UP,
        aggregation=Kpi.Aggregation.LATEST,
        baseline_value=Decimal(0),
        baseline_on=day(-120),
        target_value=Decimal(20),
        target_on=day(245),
        source="Sociālā dienesta reģistrs",
        method="Ģimeņu skaits, kas mēneša laikā saņēmušas vismaz vienu atelpas brīdi.",
    )
    hours = Kpi.objects.create(
        partnership=partnership,
        position=1,
        name="Atelpas brīžu stundas",
        unit="stundas",
        decimals=0,
        direction=Kpi.Direction.UP,
        aggregation=Kpi.Aggregation.SUM,
        baseline_value=Decimal(0),
        baseline_on=day(-120),
        target_value=Decimal(480),
        target_on=day(245),
        source="Brīnumiņa apmeklējumu žurnāls",
        method="Katra mēneša stundas, kurās bērni pavadīja laiku ar aprūpētājiem.",
    )
    families.actions.set(partnership.actions.order_by("position")[2:3])
    # Entered by one side, decided by the other.
    decided = [
        (families, MUNICIPALITY_PARTY, staff, "4", -90, True, ""),
        (families, MUNICIPALITY_PARTY, staff, "9", -60, True, ""),
        (hours, brinumins, representative, "40", -90, True, ""),
        (hours, brinumins, representative, "56", -60, True, ""),
        (hours, brinumins, representative, "560", -30, False, "Stundas ieskaitītas divreiz."),
    ]
    for kpi, party, actor, value, offset, approve, note in decided:
        measurement = measurement_enter(
            kpi=kpi, party=party, actor=actor, value=Decimal(value), measured_on=day(offset)
        )
        reviewer, reviewed_for = (
            (representative, brinumins) if party is MUNICIPALITY_PARTY else (coordinator, None)
        )
        measurement_review(
            measurement=measurement,
            version=measurement.version,
            approve=approve,
            party=reviewed_for,
            actor=reviewer,
            note=note,
        )
    # Waiting for the municipality's approval.
    measurement_enter(
        kpi=families,
        party=brinumins,
        actor=representative,
        value=Decimal(12),
        measured_on=day(-30),
        source="Pieteikumu saraksts",
    )
    stages = [
        ("Sākuma stāvoklis", EvaluationStage.Kind.BASELINE, day(-120), "done", []),
        (
            "Pusgada izvērtēšana ar ģimenēm",
            EvaluationStage.Kind.MILESTONE,
            day(5),
            "open",
            [CooperationSubject.COMMUNICATION, CooperationSubject.COORDINATION],
        ),
        ("Gala izvērtēšana", EvaluationStage.Kind.FINAL, day(245), "planned", []),
    ]
    for name, kind, ends_on, status, subjects in stages:
        EvaluationStage.objects.create(
            partnership=partnership,
            name=name,
            kind=kind,
            ends_on=ends_on,
            status=status,
            subjects=sorted(subjects),
            responsible_user=staff,
        )
    Evidence.objects.create(
        partnership=partnership,
        method=Evidence.Method.INTERVIEWS,
        title="Fokusa grupa ar vecākiem",
        gathered_on=day(-45),
        summary=(
            "Astoņi vecāki stāsta, ka atelpas brīži ļauj atpūsties un nokārtot lietas;"
            " vēlas arī sestdienas."
        ),
        participants=8,
        added_by=staff,
    )
    return partnership, True
