import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def validate_time_zone(value):
    # A validator, not choices: the list of zones changes with the system's tzdata,
    # and choices would put it into migrations.
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("%(value)s is not a time zone, for example Europe/Riga."), params={"value": value}
        ) from error


class Municipality(models.Model):
    """A municipality or region: the public side of a partnership.

    Municipalities are data: the pilots come with the demo data, portal administrators
    add others in the admin.
    """

    name = models.CharField(_("name"), max_length=200, help_text=_("As the country writes it."))
    slug = models.SlugField(_("address in the portal"), max_length=100, unique=True)
    country = CountryField(_("country"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], help_text="Europe/Riga"
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="orgs_municipality_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A unit of a municipality that organizations can contact (roadmap step 2.2)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    responsibilities = models.TextField(_("what it handles"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="orgs_department_unique_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.municipality})"


class Organization(models.Model):
    """A community organization in the public directory."""

    class Type(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        FOUNDATION = "foundation", _("Foundation")
        SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
        YOUTH_ORGANIZATION = "youth_organization", _("Youth organization")
        INFORMAL_GROUP = "informal_group", _("Informal community group")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("address in the portal"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    legal_form = models.CharField(
        _("legal form"),
        max_length=120,
        blank=True,
        help_text=_("As the country names it, for example biedrība, VšĮ or ideell förening."),
    )
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("home municipality"),
    )
    description = models.TextField(_("purpose"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "home_municipality"])]

    def __str__(self):
        return self.name


class MunicipalityMembership(models.Model):
    """Ties a user to the municipality they work for."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Municipal staff")
        # Staff with more rights: manages staff accounts, signs off plans,
        # reads roadmaps that organizations share with the municipality.
        COORDINATOR = "coordinator", _("Coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="municipality_memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("municipality membership")
        verbose_name_plural = _("municipality memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="orgs_municipality_membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.municipality} · {self.get_role_display()}"


class OrganizationMembership(models.Model):
    """Ties a user to an organization they represent (several per organization)."""

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_memberships",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.REPRESENTATIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="orgs_organization_membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization}"
