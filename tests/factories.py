from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from actionplans.models import ActionItem, CommunicationItem, Member, Partnership
from evaluation.models import EvaluationStage, Evidence, EvidenceFile, Kpi, Measurement
from orgs.models import (
    Department,
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationMembership,
    Service,
    language_of_country,
)
from orgs.services import organization_reindex

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
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Biedrība {n}")
    slug = factory.Sequence(lambda n: f"biedriba-{n}")
    type = Organization.Type.ASSOCIATION
    home_municipality = factory.SubFactory(MunicipalityFactory)
    country = factory.LazyAttribute(lambda o: o.home_municipality.country)
    # As registration, the import and migration 0018 record it.
    description_language = factory.LazyAttribute(lambda o: language_of_country(o.country))
    status = Organization.Status.PUBLISHED

    @factory.post_generation
    def reindex(obj, create, extracted, **kwargs):
        # As every service that writes an organization does: keep the search current.
        if create:
            organization_reindex(organization=obj)


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


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Pakalpojums {n}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Sadarbība {n}")
    shared_result = "Bērni ar invaliditāti saņem atelpas brīžus."


class MemberFactory(factory.django.DjangoModelFactory):
    """A partner organization that signs (the role most tests need)."""

    class Meta:
        model = Member

    partnership = factory.SubFactory(PartnershipFactory)
    organization = factory.SubFactory(
        OrganizationFactory,
        home_municipality=factory.SelfAttribute("..partnership.municipality"),
    )
    role = Member.Role.SIGNATORY


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    partnership = factory.SubFactory(PartnershipFactory)
    position = factory.Sequence(lambda n: n)
    activity = factory.Sequence(lambda n: f"Darbība {n}")
    responsible_name = "Anna Bērziņa"


class CommunicationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunicationItem

    partnership = factory.SubFactory(PartnershipFactory)
    position = factory.Sequence(lambda n: n)
    subject = factory.Sequence(lambda n: f"Ziņa {n}")
    audience = "Vecāki"


class EvaluationStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationStage

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Izvērtēšana {n}")
    kind = EvaluationStage.Kind.DURING
    ends_on = date(2027, 6, 30)


class KpiFactory(factory.django.DjangoModelFactory):
    """Youth employment, the seed's example: up from 40 % to 55 % over two years."""

    class Meta:
        model = Kpi

    partnership = factory.SubFactory(PartnershipFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Nodarbināto jauniešu īpatsvars {n}")
    unit = "%"
    decimals = 1
    direction = Kpi.Direction.UP
    aggregation = Kpi.Aggregation.LATEST
    baseline_value = Decimal("40")
    baseline_on = date(2026, 1, 1)
    target_value = Decimal("55")
    target_on = date(2028, 1, 1)


class MeasurementFactory(factory.django.DjangoModelFactory):
    """Waiting for approval, entered for the municipality."""

    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KpiFactory)
    value = Decimal("42")
    measured_on = date(2026, 6, 30)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    partnership = factory.SubFactory(PartnershipFactory)
    method = Evidence.Method.INTERVIEWS
    title = factory.Sequence(lambda n: f"Fokusa grupa {n}")
    gathered_on = date(2026, 9, 15)
    summary = "Jaunieši stāsta par jaunām prasmēm."
    participants = 12


SAMPLE_PDF = b"%PDF-1.7 sample"


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to a piece of evidence (its checksum a placeholder)."""

    class Meta:
        model = EvidenceFile

    evidence = factory.SubFactory(EvidenceFactory)
    name = "protokols.pdf"
    content_type = "application/pdf"
    size = len(SAMPLE_PDF)
    sha256 = "0" * 64
    content = SAMPLE_PDF
