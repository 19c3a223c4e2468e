"""Fixtures of the exchange's tests."""

import pytest
from django.utils import translation

from orgs.models import Organization
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    ServiceFactory,
)


@pytest.fixture
def in_english():
    # Messages are checked in English; outside a request the portal speaks Latvian.
    with translation.override("en"):
        yield


@pytest.fixture
def trakai(db):
    return MunicipalityFactory(
        name="Trakų rajono savivaldybė", country="LT", time_zone="Europe/Vilnius"
    )


@pytest.fixture
def ventspils_entry(db):
    ventspils = MunicipalityFactory(name="Ventspils valstspilsēta", slug="ventspils")
    MunicipalityMembershipFactory(municipality=ventspils)  # it has staff of its own
    return OrganizationFactory(
        name="Ventspils jauniešu centrs",
        registration_number="40008999999",
        home_municipality=ventspils,
        email="info@ventspils.example",
        description="Ventspils",
    )


@pytest.fixture
def directory(organization, municipality):
    """Published entries with everything HSDS carries, and one pending entry."""
    Organization.objects.filter(pk=organization.pk).update(
        short_name="Brīnumiņš",
        legal_form="biedrība",
        registration_number="40008000001",
        description="Rotaļu istaba bērniem.\nDarbnīcas vecākiem.",
        email="info@brinumins.example.lv",
        email_public=True,
        phone="+371 2000 0000",
        phone_public=True,
        website="https://brinumins.example.lv/",
        address="Lielā iela 5, Talsi, LV-3201",
        year_founded=2004,
        contact_person="Ilga Zariņa",
        contact_person_consent=True,
    )
    ServiceFactory(organization=organization, name="Rotaļu istaba", description="Katru dienu.")
    ServiceFactory(organization=organization, name="Vecāku skola", position=1)
    private = OrganizationFactory(
        name="Sporta klubs „Vārpa”",
        home_municipality=municipality,
        description="Futbols un volejbols.",
        address="Ezera iela 2, Talsi",
        contact_person="Slepenais Jānis",
        contact_person_consent=False,
    )
    ServiceFactory(organization=private, name="Futbola treniņi", description="Otrdienās.")
    OrganizationFactory(
        name="Gaidošā biedrība",
        home_municipality=municipality,
        status=Organization.Status.PENDING,
        phone="+371 2999 9999",
    )
    return Organization.objects.published()
