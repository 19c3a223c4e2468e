import datetime
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from actionplans.access import MUNICIPALITY_PARTY
from evaluation.models import Measurement
from evaluation.services import measurement_enter
from tests.actionplans.conftest import other_representative, partnership  # noqa: F401
from tests.factories import (
    ActionItemFactory,
    KpiFactory,
    MeasurementFactory,
    MunicipalityMembershipFactory,
)


@pytest.fixture
def kpi(partnership):  # noqa: F811 (the fixture imported above)
    """Youth employment, up from 40 % (2026-01-01) to 55 % (2028-01-01), the latest counts."""
    return KpiFactory(partnership=partnership)


@pytest.fixture
def action(partnership):  # noqa: F811
    return ActionItemFactory(partnership=partnership, activity="Darba prakses jauniešiem")


@pytest.fixture
def colleague(municipality):
    """Another member of the municipality's staff."""
    return MunicipalityMembershipFactory(municipality=municipality).user


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def url_of(name, **kwargs):
    """An evaluation page's address in English, the language the tests read."""
    with translation.override("en"):
        return reverse(f"evaluation:{name}", kwargs=kwargs)


def enter(kpi, user, party=MUNICIPALITY_PARTY, **values):
    """A measurement entered through the service, as the pages enter them."""
    values = {"value": Decimal("42"), "measured_on": date(2026, 6, 30)} | values
    return measurement_enter(kpi=kpi, party=party, actor=user, **values)


def approved(kpi, value, day, **fields):
    """A measurement of `kpi` approved already (entered for the municipality)."""
    fields.setdefault("reviewed_at", timezone.now())
    return MeasurementFactory(
        kpi=kpi, value=value, measured_on=day, status=Measurement.Status.APPROVED, **fields
    )


def days_ago(partnership, days):  # noqa: F811
    return partnership.local_today() - datetime.timedelta(days=days)
