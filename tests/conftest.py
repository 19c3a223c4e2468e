"""The cast every test can use. Tests never rely on the demo data."""

import pytest
from django.core.cache import cache

from orgs.models import MunicipalityMembership

from .factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Talsu novads", slug="talsi")


@pytest.fixture
def coordinator(municipality):
    return MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coordinator@example.org",
        user__full_name="Anna Bērziņa",
    ).user


@pytest.fixture
def staff(municipality):
    return MunicipalityMembershipFactory(municipality=municipality).user


@pytest.fixture
def organization(municipality):
    return OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=municipality)


@pytest.fixture
def representative(organization):
    return OrganizationMembershipFactory(organization=organization).user


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def administrator(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached lists (directory filters) and rate-limit counters must not leak between tests.
    cache.clear()
    yield
    cache.clear()
