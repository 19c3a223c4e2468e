import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from actionplans.services import partnership_start
from evaluation.models import Measurement
from tests.factories import MeasurementFactory, OrganizationMembershipFactory


@pytest.fixture
def partnership(municipality, staff, organization):
    """Talsi's partnership with its lead municipality and the organization as signatory."""
    started = partnership_start(
        municipality=municipality,
        title="Atelpas brīži",
        shared_result="Ģimenes saņem atelpas brīžus.",
        actor=staff,
    )
    started.members.create(role="signatory", organization=organization, position=1)
    return started


@pytest.fixture
def other_representative(municipality):
    """A representative of an organization that is not a partner."""
    return OrganizationMembershipFactory(organization__home_municipality=municipality).user


def url_of(name, **kwargs):
    """A page's address in English, the language the tests read."""
    with translation.override("en"):
        return reverse(f"evaluation:{name}", kwargs=kwargs)


def approved(kpi, value, day, **fields):
    """A measurement of `kpi` approved already (entered for the municipality)."""
    fields.setdefault("reviewed_at", timezone.now())
    return MeasurementFactory(
        kpi=kpi, value=value, measured_on=day, status=Measurement.Status.APPROVED, **fields
    )


def days_ago(partnership, days):
    return partnership.local_today() - datetime.timedelta(days=days)
