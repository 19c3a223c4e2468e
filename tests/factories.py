import factory
from django.contrib.auth import get_user_model

from orgs.models import (
    Department,
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationMembership,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Novads {n}")
    slug = factory.Sequence(lambda n: f"novads-{n}")
    country = "LV"
    time_zone = "Europe/Riga"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Nodaļa {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Biedrība {n}")
    slug = factory.Sequence(lambda n: f"biedriba-{n}")
    type = Organization.Type.ASSOCIATION
    home_municipality = factory.SubFactory(MunicipalityFactory)
    status = Organization.Status.PUBLISHED


class MunicipalityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalityMembership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = MunicipalityMembership.Role.STAFF


class OrganizationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMembership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
