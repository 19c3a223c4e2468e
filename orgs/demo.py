"""Demo data for `manage.py load_demo_data`: never in production (its passwords are public)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .models import (
    Department,
    FieldOfActivity,
    Municipality,
    MunicipalityMembership,
    NeedKind,
    Organization,
    OrganizationMembership,
    Service,
    TargetGroup,
)
from .services import organization_reindex

DEMO_DATA_PATH = settings.BASE_DIR / "fixtures" / "demo.json"


@dataclass
class DemoDataCounts:
    municipalities: int = 0
    departments: int = 0
    organizations: int = 0
    users: int = 0


def _demo_organization_load(item, municipalities):
    home = municipalities[item["municipality"]]
    simple_fields = [
        "short_name", "legal_form", "description", "email", "registration_number", "address",
        "phone", "website", "contact_person",
    ]  # fmt: skip
    defaults = {key: item.get(key, "") for key in simple_fields}
    defaults |= {
        "name": item["name"],
        "type": item["type"],
        "country": home.country,
        "home_municipality": home,
        "status": item["status"],
        "is_social_enterprise": item.get("is_social_enterprise", False),
        "contact_person_consent": item.get("contact_person_consent", False),
        "languages": item.get("languages", []),
        "year_founded": item.get("year_founded"),
    }
    organization, _created = Organization.objects.update_or_create(
        slug=item["slug"], defaults=defaults
    )
    if organization.is_public and organization.published_at is None:
        organization.published_at = organization.last_confirmed_at = timezone.now()
        organization.save(update_fields=["published_at", "last_confirmed_at"])
    organization.municipalities_served.set(
        [municipalities[slug] for slug in item.get("municipalities_served", [])]
    )
    organization.fields_of_activity.set(
        FieldOfActivity.objects.filter(slug__in=item.get("fields", []))
    )
    organization.target_groups.set(
        TargetGroup.objects.filter(slug__in=item.get("target_groups", []))
    )
    organization.offers.set(NeedKind.objects.filter(slug__in=item.get("offers", [])))
    organization.seeks.set(NeedKind.objects.filter(slug__in=item.get("seeks", [])))
    organization.services.all().delete()
    Service.objects.bulk_create(
        Service(organization=organization, name=name, description=description, position=position)
        for position, (name, description) in enumerate(item.get("services", []))
    )
    organization_reindex(organization=organization)
    return organization


@transaction.atomic
def demo_data_load(*, path: Path = DEMO_DATA_PATH) -> DemoDataCounts:
    """Create or update the demo municipalities, organizations and accounts.

    Idempotent: rows are matched by slug or e-mail, so running it again changes nothing
    that is already as the file says. Refused unless settings.DEMO_DATA_ALLOWED, because
    the demo accounts have published passwords.
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured(
            "Demo data is refused here: its accounts have published passwords. "
            "Set DEMO_DATA_ALLOWED=true only on a machine nobody else can reach."
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = DemoDataCounts()

    municipalities = {}
    for item in data["municipalities"]:
        municipality, _created = Municipality.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "country": item["country"],
                "time_zone": item["time_zone"],
                "website": item.get("website", ""),
            },
        )
        municipalities[item["slug"]] = municipality
        counts.municipalities += 1
        for department in item.get("departments", []):
            Department.objects.update_or_create(
                municipality=municipality,
                name=department["name"],
                defaults={
                    key: department.get(key, "")
                    for key in ("responsibilities", "contact_person", "email", "phone")
                },
            )
            counts.departments += 1

    organizations = {}
    for item in data["organizations"]:
        organization = _demo_organization_load(item, municipalities)
        organizations[item["slug"]] = organization
        counts.organizations += 1

    User = get_user_model()
    for item in data["users"]:
        role = item["role"]
        user = User.objects.filter(email__iexact=item["email"]).first()
        if user is None:
            user = User(email=User.objects.normalize_email(item["email"]))
        user.full_name = item["full_name"]
        user.language = item.get("language", settings.LANGUAGE_CODE)
        user.is_superuser = user.is_staff = role == "administrator"
        if not user.check_password(data["password"]):
            user.set_password(data["password"])
        user.save()
        counts.users += 1
        if "municipality" in item:
            MunicipalityMembership.objects.update_or_create(
                user=user,
                municipality=municipalities[item["municipality"]],
                defaults={"role": role},
            )
        if "organization" in item:
            OrganizationMembership.objects.update_or_create(
                user=user,
                organization=organizations[item["organization"]],
                defaults={"role": role},
            )
    return counts
