import zoneinfo
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from roadmap_portal.lib.history import Change, Event
from roadmap_portal.lib.locking import FIRST_VERSION
from roadmap_portal.lib.text import (
    max_length_check,
    one_of,
    single_line_check,
    validate_email_local_part,
    validate_single_line,
)


def validate_time_zone(value):
    # A validator, not choices: the list of zones changes with the system's tzdata,
    # and choices would put it into migrations.
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("%(value)s is not a time zone, for example Europe/Riga."), params={"value": value}
        ) from error


class MunicipalityQuerySet(models.QuerySet):
    def staffed_by(self, user, role=None):
        """The municipalities the user works for (as staff or coordinator), or only those
        where they have `role`. A subquery, not a join: each municipality comes once, however
        many colleagues it has. A deactivated account works nowhere."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        memberships = MunicipalityMembership.objects.filter(user=user)
        if role is not None:
            memberships = memberships.filter(role=role)
        return self.filter(pk__in=memberships.values("municipality_id"))


class Municipality(models.Model):
    """A municipality or region: the public side of a partnership.

    Municipalities are data: the pilots come with the demo data, portal administrators
    add others in the admin.
    """

    name = models.CharField(
        _("name"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("As the country writes it."),
    )
    slug = models.SlugField(_("address in the portal"), max_length=100, unique=True)
    country = CountryField(_("country"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], help_text="Europe/Riga"
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="orgs_municipality_unique_name"
            ),
            max_length_check("name", 200),
            single_line_check("name"),
            max_length_check("website", 200),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:municipality", kwargs={"slug": self.slug})


class Department(models.Model):
    """A unit of a municipality that organizations can contact (roadmap step 2.2)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    responsibilities = models.TextField(
        _("what it handles"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    contact_person = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("e-mail"), blank=True, validators=[validate_email_local_part])
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_single_line]
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="orgs_department_unique_name"
            ),
            max_length_check("name", 200),
            single_line_check("name"),
            max_length_check("responsibilities", 2000),
            max_length_check("contact_person", 200),
            single_line_check("contact_person"),
            max_length_check("email", 254),
            max_length_check("phone", 40),
            single_line_check("phone"),
        ]

    def __str__(self):
        return f"{self.name} ({self.municipality})"


class Taxonomy(models.Model):
    """A shared, translatable list loaded from fixtures (see orgs/translation.py)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class FieldOfActivity(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


class TargetGroup(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class NeedKind(Taxonomy):
    """The seven kinds of need of roadmap step 1.3: what organizations seek and offer."""

    description = models.TextField(_("description"), blank=True)

    class Meta(Taxonomy.Meta):
        verbose_name = _("kind of need")
        verbose_name_plural = _("kinds of need")


# Languages an organization works in: the portal's six and those most spoken beside them.
WORKING_LANGUAGES = [
    "lv", "lt", "sv", "pt", "el", "en", "ru", "uk", "pl", "de", "fr", "es", "fi", "et", "tr", "ar",
]  # fmt: skip


# The portal language an organization of a country most likely writes its purpose in
# (Organization.description_language); other countries' write in English.
COUNTRY_LANGUAGES = {"LV": "lv", "LT": "lt", "SE": "sv", "PT": "pt", "CY": "el", "GR": "el"}


def language_of_country(country) -> str:
    return COUNTRY_LANGUAGES.get(str(country), "en")


# The earliest year an organization may be founded in (the import also refuses years after
# this one).
FIRST_YEAR_FOUNDED = 1800


class EditableField(NamedTuple):
    """One of the fields Organization.EDITABLE_FIELDS declares."""

    SIMPLE = "simple"  # a column; a foreign key by its id
    MANY_TO_MANY = "many_to_many"  # sorted ids
    SERVICES = "services"  # the entry's Service rows, as [name, description] pairs

    name: str  # as the model and the form name it
    key: str  # in snapshots and the history: a foreign key's attname (home_municipality_id)
    kind: str


class OrganizationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Organization.Status.PUBLISHED)

    def holding_number(self, number: str, *, countries, excluding=None):
        """Entries of these countries with this registration number, but the one whose pk
        is `excluding`: the number is unique per country."""
        countries = [str(country) for country in countries]
        return self.filter(country__in=countries, registration_number=number).exclude(pk=excluding)

    def represented_by(self, user):
        """The entries the user represents (a subquery: each entry once). A deactivated
        account represents none."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        memberships = OrganizationMembership.objects.filter(user=user)
        return self.filter(pk__in=memberships.values("organization_id"))


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

    # What a representative edits, the history records and a revert can put back, in the
    # order of the form; "services" is the entry's programmes and services (Service).
    # Declared once: the form (orgs.forms), the snapshot (orgs.services), the admin's
    # history and the import derive from it, through editable().
    EDITABLE_FIELDS = (
        "name", "short_name", "type", "legal_form", "is_social_enterprise",
        "registration_number", "home_municipality", "municipalities_served", "address",
        "description", "description_language", "fields_of_activity", "target_groups", "offers",
        "seeks", "languages", "year_founded", "email", "email_public", "phone", "phone_public",
        "website", "contact_person", "contact_person_consent", "services",
    )  # fmt: skip

    # An entry not confirmed for this long is marked as possibly out of date.
    FRESHNESS_DAYS = 365
    # Programmes and services an entry may have, in the forms and the import: at 2,000
    # characters each they stay far below PostgreSQL's 1 MB limit of a search tsvector.
    SERVICES_MAX = 30

    name = models.CharField(_("name"), max_length=300, validators=[validate_single_line])
    short_name = models.CharField(
        _("short name"), max_length=100, blank=True, validators=[validate_single_line]
    )
    slug = models.SlugField(_("address in the portal"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    legal_form = models.CharField(
        _("legal form"),
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text=_("As the country names it, for example biedrība, VšĮ or ideell förening."),
    )
    is_social_enterprise = models.BooleanField(_("has social enterprise status"), default=False)
    registration_number = models.CharField(
        _("registration number"), max_length=60, blank=True, validators=[validate_single_line]
    )
    country = CountryField(_("country"))
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("home municipality"),
    )
    municipalities_served = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="organizations_serving",
        verbose_name=_("other municipalities it serves"),
    )
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[validate_single_line]
    )
    description = models.TextField(
        _("purpose"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    # WCAG 3.1.2: pages mark the purpose with the language it is written in. Empty (an
    # entry made by the import or in the admin, or by an app server of the version before
    # while this one is deployed: hence the database default) counts as its country's
    # (description_lang).
    description_language = models.CharField(
        _("language of the purpose"),
        max_length=8,
        blank=True,
        default="",
        db_default="",
        choices=settings.LANGUAGES,
        help_text=_("The language your description is written in."),
    )
    fields_of_activity = models.ManyToManyField(
        FieldOfActivity,
        blank=True,
        related_name="organizations",
        verbose_name=_("fields of activity"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="organizations", verbose_name=_("target groups")
    )
    offers = models.ManyToManyField(
        NeedKind, blank=True, related_name="offered_by", verbose_name=_("can offer partners")
    )
    seeks = models.ManyToManyField(
        NeedKind, blank=True, related_name="sought_by", verbose_name=_("is looking for")
    )
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    # The validator says it per row before the database's check constraint would refuse it.
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR_FOUNDED)]
    )
    email = models.EmailField(
        _("contact e-mail"), blank=True, validators=[validate_email_local_part]
    )
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_single_line]
    )
    # Whether the public sees the e-mail and the phone (staff and the entry's representatives
    # always do: orgs.access.can_see_private_contact). Informal groups often give a
    # volunteer's own address, so a new entry shows neither until a representative says so;
    # entries made before the choice existed were registered as public and stay so
    # (migration 0014). Anyone can still write through the contact form.
    email_public = models.BooleanField(
        _("show the e-mail address publicly"), default=False, db_default=False
    )
    phone_public = models.BooleanField(
        _("show the phone number publicly"), default=False, db_default=False
    )
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_single_line]
    )
    contact_person_consent = models.BooleanField(
        _("the contact person agrees to be shown publicly"), default=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(
        _("representatives last asked to confirm"), null=True, blank=True
    )
    # Optimistic locking: an edit based on an older version is refused, never overwrites.
    version = models.PositiveIntegerField(default=FIRST_VERSION, editable=False)
    # Search material kept up to date by orgs.services.organization_reindex; see orgs/search/.
    search_text = models.TextField(editable=False, blank=True)
    facet_tokens = models.TextField(editable=False, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        # No default ordering: at a million rows an implicit ORDER BY name (in the
        # database's collation, so without an index) turns cheap queries into full sorts.
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~models.Q(registration_number=""),
                name="orgs_organization_unique_registration_number",
            ),
            models.CheckConstraint(
                condition=models.Q(year_founded__isnull=True)
                | models.Q(year_founded__gte=FIRST_YEAR_FOUNDED),
                name="orgs_organization_year_founded_plausible",
            ),
            max_length_check("name", 300),
            single_line_check("name"),
            max_length_check("short_name", 100),
            single_line_check("short_name"),
            max_length_check("legal_form", 120),
            single_line_check("legal_form"),
            max_length_check("registration_number", 60),
            single_line_check("registration_number"),
            max_length_check("address", 300),
            single_line_check("address"),
            max_length_check("description", 5000),
            max_length_check("email", 254),
            max_length_check("phone", 40),
            single_line_check("phone"),
            max_length_check("website", 200),
            max_length_check("contact_person", 200),
            single_line_check("contact_person"),
            max_length_check("rejection_reason", 2000),
        ]
        indexes = [
            models.Index(fields=["status", "home_municipality"]),
            # The name order's index is PostgreSQL's own (ICU collation): migration 0002.
            models.Index(
                fields=["-updated_at"],
                name="orgs_org_published_updated_idx",
                condition=models.Q(status="published"),
            ),
            # The moderation queue's pages, oldest first: a portal administrator's (every
            # municipality) and a municipality's (roadmap_portal/lib/pagination.py).
            models.Index(
                fields=["created_at", "id"],
                name="orgs_org_pending_created_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["home_municipality", "created_at", "id"],
                name="orgs_org_pending_home_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:organization", kwargs={"slug": self.slug})

    def get_type_display(self):
        # Django's builds a dict of every choice on each call: a tenth of the directory's rows.
        return str(_TYPE_LABELS.get(self.type, self.type))

    @classmethod
    def editable(cls, *kinds: str) -> list[EditableField]:
        """EDITABLE_FIELDS with their snapshot keys and kinds (only those of `kinds`, if
        given)."""
        declared = []
        for name in cls.EDITABLE_FIELDS:
            if name == EditableField.SERVICES:
                declared.append(EditableField(name, name, EditableField.SERVICES))
                continue
            field = cls._meta.get_field(name)
            kind = EditableField.MANY_TO_MANY if field.many_to_many else EditableField.SIMPLE
            declared.append(EditableField(name, field.attname, kind))
        return [field for field in declared if not kinds or field.kind in kinds]

    @property
    def description_lang(self):
        """The language code of the purpose: as recorded, else the country's."""
        return self.description_language or language_of_country(self.country)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED

    @property
    def public_email(self):
        """The e-mail address as the public sees it: empty unless it is public."""
        return self.email if self.email_public else ""

    @property
    def public_phone(self):
        return self.phone if self.phone_public else ""

    def is_stale(self, now=None):
        """True when nobody has confirmed the entry for FRESHNESS_DAYS."""
        reference = self.last_confirmed_at or self.published_at or self.created_at
        now = now or timezone.now()
        return reference is not None and now - reference > timedelta(days=self.FRESHNESS_DAYS)

    def build_search_text(self, services=None):
        """Text searched besides the names: purpose, legal form, programmes and services.

        `services` as (name, description) pairs, when the caller has them (the import),
        saves reading them."""
        if services is None:
            services = [(service.name, service.description) for service in self.services.all()]
        parts = [self.description, self.legal_form]
        for name, description in services:
            parts += [name, description]
        return "\n".join(part for part in parts if part)

    def build_facet_tokens(self, relations=None):
        """The filter words of this entry, space-separated and space-padded (facet_tokens).

        `relations` ({"municipalities_served": [ids], ...}), when the caller has them (the
        import), saves reading them."""
        if relations is None:
            relations = {
                key: getattr(self, key).values_list("pk", flat=True)
                for key in (
                    "municipalities_served",
                    "fields_of_activity",
                    "target_groups",
                    "offers",
                )
            }
        tokens = facet_tokens(
            country=self.country,
            type=self.type,
            municipality_ids=[self.home_municipality_id, *relations["municipalities_served"]],
            field_ids=relations["fields_of_activity"],
            target_group_ids=relations["target_groups"],
            offer_ids=relations["offers"],
            is_social_enterprise=self.is_social_enterprise,
        )
        return " " + " ".join(tokens) + " "


_TYPE_LABELS = dict(Organization.Type.choices)


class OrganizationChange(Change):
    """One recorded change to a directory entry: who, when, and each field before and after."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        EDITED = "edited", _("Edited")
        REVERTED = "reverted", _("Reverted")
        MODERATED = "moderated", _("Checked by the municipality")
        # A value the portal shortened or put on one line when it began to enforce its
        # limits (migration 0010); the old value stays here in full. Not revertable.
        CORRECTED = "corrected", _("Corrected by the portal")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EDITED)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="changes")
    # fields: snapshot keys (Organization.editable), services as [name, description] lists.
    reverts = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The import that made the change, so the history says where it came from. Named by
    # its label: orgs imports nothing of the exchange app, which depends on orgs.
    import_record = models.ForeignKey(
        "exchange.ImportRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-created_at", "-id"]
        # An entry's history, newest first, one page at a time.
        indexes = [
            models.Index(
                fields=["organization", "-created_at", "-id"], name="orgs_change_history_idx"
            )
        ]

    def __str__(self):
        return f"{self.organization} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def can_be_reverted(self):
        return self.kind in (self.Kind.EDITED, self.Kind.REVERTED)


class Decision(models.Model):
    """A request that staff of a municipality approve or reject: who decided, when, why.
    A request's status may have more values (a move can be withdrawn) but these three."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        _("reason"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at"]
        constraints = [max_length_check("reason", 2000)]


class OrganizationClaim(Decision):
    """Someone says an entry already listed is theirs; staff decide."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_claims"
    )
    message = models.TextField(
        _("how you are connected to the organization"),
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
    )

    class Meta(Decision.Meta):
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            *Decision.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(status="pending"),
                name="orgs_claim_one_pending_per_user",
            ),
            max_length_check("message", 2000),
        ]
        # The moderation queue's claims, oldest first.
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                name="orgs_claim_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organization}"


class OrganizationMove(Decision):
    """A representative asks to move a published entry to another home municipality.

    Staff of the new municipality decide; until then the entry stays where it is. An
    approved move is also recorded in the entry's history (OrganizationChange)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="moves")
    from_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Decision's, with the choice of withdrawing.
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )

    class Meta(Decision.Meta):
        verbose_name = _("move to another municipality")
        verbose_name_plural = _("moves to another municipality")
        constraints = [
            *Decision.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status="pending"),
                name="orgs_move_one_pending_per_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_municipality=models.F("to_municipality")),
                name="orgs_move_to_another_municipality",
            ),
        ]
        # The moderation queue's moves, oldest first: everywhere and to one municipality.
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                name="orgs_move_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["to_municipality", "created_at", "id"],
                name="orgs_move_pending_to_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.organization}: {self.from_municipality} → {self.to_municipality}"


class Service(models.Model):
    """A programme or service an organization offers (its own row, searchable)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = models.TextField(
        _("description"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("programme or service")
        verbose_name_plural = _("programmes and services")
        ordering = ["position", "id"]
        constraints = [
            max_length_check("name", 200),
            single_line_check("name"),
            max_length_check("description", 2000),
        ]

    def __str__(self):
        return self.name


class SearchWord(models.Model):
    """Every distinct searchable word, for spelling suggestions (PostgreSQL, pg_trgm).

    Matching a typo against a few hundred thousand words is fast with a trigram index;
    against a million organizations it is not.
    """

    word = models.CharField(max_length=100, unique=True)

    def __str__(self):
        return self.word


def facet_tokens(
    *,
    country="",
    type="",
    municipality_ids=(),
    field_ids=(),
    target_group_ids=(),
    offer_ids=(),
    is_social_enterprise=False,
):
    """One word per filter value: what an organization carries and a search asks for.

    See orgs/search/postgresql.py: on PostgreSQL a GIN index over these words answers any mix of
    filters at once; on SQLite they are matched with LIKE.
    """
    tokens = []
    if country:
        tokens.append(f"c{str(country).lower()}")
    if type:
        tokens.append(f"t{type.replace('_', '')}")
    tokens += [f"m{pk}" for pk in municipality_ids]
    tokens += [f"f{pk}" for pk in field_ids]
    tokens += [f"g{pk}" for pk in target_group_ids]
    tokens += [f"o{pk}" for pk in offer_ids]
    if is_social_enterprise:
        tokens.append("se")
    return sorted(set(tokens))


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


class StaffChange(Event):
    """One change to who works for a municipality, made on its staff page: who did what to
    whom, and when (an Event of the municipality). The address is kept beside the account,
    so the record still names the person after their account is gone (and names an invitee
    who has none yet)."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        JOINED = "joined", _("Accepted the invitation")
        ROLE_CHANGED = "role_changed", _("Role changed")
        REMOVED = "removed", _("Removed")
        WITHDRAWN = "withdrawn", _("Invitation withdrawn")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="staff_changes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("e-mail address"))
    # The role after the change (an invitation's: the role offered); none after a removal.
    role = models.CharField(
        _("role"), max_length=16, choices=MunicipalityMembership.Role.choices, blank=True
    )
    previous_role = models.CharField(
        _("previous role"), max_length=16, choices=MunicipalityMembership.Role.choices, blank=True
    )

    class Meta(Event.Meta):
        verbose_name = _("staff change")
        verbose_name_plural = _("staff changes")
        constraints = [
            models.CheckConstraint(
                # Kind.values, which the class body of Meta cannot see.
                condition=one_of(
                    "kind", ["invited", "joined", "role_changed", "removed", "withdrawn"]
                ),
                name="orgs_staffchange_kind_valid",
            ),
            # A removal leaves no role; everything else gives one.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="removed", role="")
                    | (
                        ~models.Q(kind="removed")
                        & one_of("role", MunicipalityMembership.Role.values)
                    )
                ),
                name="orgs_staffchange_role_valid",
            ),
            models.CheckConstraint(
                condition=one_of("previous_role", ["", *MunicipalityMembership.Role.values]),
                name="orgs_staffchange_previous_role_valid",
            ),
            max_length_check("email", 254),
        ]
        indexes = [
            models.Index(fields=["municipality", "email"]),
            # The staff page's history, newest first, one page at a time.
            models.Index(
                fields=["municipality", "-created_at", "-id"], name="orgs_staffchange_history_idx"
            ),
        ]

    def __str__(self):
        return f"{self.municipality} · {self.email} · {self.get_kind_display()}"


class MunicipalityCount(models.Model):
    """The published entries of a municipality as last counted (orgs.counts): the home
    page reads these instead of counting a million rows in a visitor's request. A table
    of its own, not a column of Municipality: an admin save of a municipality writes
    every column and would put back an older count."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="count"
    )
    published_organizations = models.PositiveIntegerField(default=0, db_default=0)
    counted_at = models.DateTimeField()

    def __str__(self):
        return f"{self.municipality_id}: {self.published_organizations}"
