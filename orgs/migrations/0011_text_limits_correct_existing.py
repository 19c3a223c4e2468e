"""Text over the new length limits, or on several lines where one line is expected, is
corrected before migration 0012 adds the CHECK constraints that forbid it.

Each corrected value is reported on the migration's output. An entry's old value is kept
in full in its history (a "corrected" change, which cannot be reverted); a claim's too,
in the history of the entry it claims (staff read both). Departments and municipalities
have no history: their old value is printed in full. Then the value is shortened to its
limit (ending with "…") and line breaks become spaces. A registration number that would
then be another entry's in the same country (they are unique) is emptied instead.

The limits are copied here as they are at this migration, so that it stays the same
when the models change later.
"""

import re

import django.core.validators
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Length

import roadmap_portal.lib.text

LIMITS = {
    "Organization": {
        "name": 300, "short_name": 100, "legal_form": 120, "registration_number": 60,
        "address": 300, "description": 5000, "email": 254, "phone": 40, "website": 200,
        "contact_person": 200, "rejection_reason": 2000,
    },
    "Service": {"name": 200, "description": 2000},
    "OrganizationClaim": {"message": 2000, "reason": 2000},
    "Department": {
        "name": 200, "responsibilities": 2000, "contact_person": 200, "email": 254, "phone": 40,
    },
    "Municipality": {"name": 200, "website": 200},
}  # fmt: skip
SINGLE_LINE = {
    "Organization": [
        "name", "short_name", "legal_form", "registration_number", "address", "phone",
        "contact_person",
    ],
    "Service": ["name"],
    "Department": ["name", "contact_person", "phone"],
    "Municipality": ["name"],
}  # fmt: skip
# What str.splitlines() breaks a line on (roadmap_portal.lib.text.LINE_BREAKS).
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAKS = re.compile(f"[ \t]*[{LINE_BREAKS}]+[ \t]*")
# An address cut short is a wrong address: too long, it is emptied instead.
ADDRESSES = {"email", "website"}


def corrected(value, *, field, limit, single_line):
    """The value within its limit and, for a one-line field, on one line; and what was done."""
    done = []
    if single_line and any(char in value for char in LINE_BREAKS):
        value = _BREAKS.sub(" ", value).strip()
        done.append("line breaks replaced by spaces")
    if len(value) > limit:
        done.append(
            f"{len(value)} characters, emptied"
            if field in ADDRESSES
            else f"{len(value)} characters, shortened to {limit}"
        )
        value = "" if field in ADDRESSES else value[: limit - 1] + "…"
    return value, done


def corrections(model, model_name, label):
    """[(row, {field: {"old", "new"}})] for rows with a value over its limit or, in a
    one-line field, a line break; each correction reported on the output. Read in full
    before anything is written, so that no write moves rows under an open cursor."""
    limits, single_line = LIMITS[model_name], SINGLE_LINE.get(model_name, [])
    condition = Q()
    for field, limit in limits.items():
        condition |= Q(**{f"{field}_length__gt": limit})
    for field in single_line:
        for char in LINE_BREAKS:
            condition |= Q(**{f"{field}__contains": char})
    lengths = {f"{field}_length": Length(field) for field in limits}
    found = []
    for row in model.objects.alias(**lengths).filter(condition).order_by("pk"):
        changed = {}
        for field, limit in limits.items():
            old = getattr(row, field)
            new, done = corrected(old, field=field, limit=limit, single_line=field in single_line)
            if done:
                changed[field] = {"old": old, "new": new}
                print(f"  orgs 0011: {label} {row.pk}, {field}: {', '.join(done)}")
        found.append((row, changed))
    return found


def search_text(organization, services):
    """Organization.build_search_text as it is at this migration."""
    parts = [organization.description, organization.legal_form]
    for name, description in services:
        parts += [name, description]
    return "\n".join(part for part in parts if part)


def correct_text(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    OrganizationChange = apps.get_model("orgs", "OrganizationChange")
    OrganizationClaim = apps.get_model("orgs", "OrganizationClaim")
    Service = apps.get_model("orgs", "Service")
    history = {}  # organization id -> the fields of its "corrected" change

    for organization, changed in corrections(Organization, "Organization", "organization"):
        number = changed.get("registration_number", {}).get("new")
        if (
            number
            and Organization.objects.filter(
                country=organization.country, registration_number=number
            )
            .exclude(pk=organization.pk)
            .exists()
        ):
            # Another entry of the country has the corrected number (unique): emptied, the
            # old one kept in the history like every other corrected value.
            changed["registration_number"]["new"] = ""
            print(
                f"  orgs 0011: organization {organization.pk}, registration_number: "
                f"{number!r} is another entry's number in {organization.country}, emptied"
            )
        # .update(): a correction is not an edit, so updated_at stays as it is.
        Organization.objects.filter(pk=organization.pk).update(
            **{field: values["new"] for field, values in changed.items()}
        )
        history[organization.pk] = changed

    by_organization = {}
    for service, changed in corrections(Service, "Service", "service"):
        by_organization.setdefault(service.organization_id, {})[service.pk] = changed
    for organization_id, changed_services in sorted(by_organization.items()):
        services = Service.objects.filter(organization_id=organization_id).order_by(
            "position", "id"
        )
        old = [[service.name, service.description] for service in services]
        for service_id, changed in changed_services.items():
            Service.objects.filter(pk=service_id).update(
                **{field: values["new"] for field, values in changed.items()}
            )
        new = [[service.name, service.description] for service in services.all()]
        history.setdefault(organization_id, {})["services"] = {"old": old, "new": new}

    for claim, changed in corrections(OrganizationClaim, "OrganizationClaim", "claim"):
        OrganizationClaim.objects.filter(pk=claim.pk).update(
            **{field: values["new"] for field, values in changed.items()}
        )
        fields = history.setdefault(claim.organization_id, {})
        for field, values in changed.items():
            fields[f"claim_{field}"] = values | {"claim": claim.pk}

    for organization_id, fields in sorted(history.items()):
        OrganizationChange.objects.create(
            organization_id=organization_id, actor=None, kind="corrected", fields=fields
        )
        if {"description", "legal_form", "services"} & fields.keys():
            organization = Organization.objects.get(pk=organization_id)
            services = Service.objects.filter(organization_id=organization_id).order_by(
                "position", "id"
            )
            Organization.objects.filter(pk=organization_id).update(
                search_text=search_text(organization, services.values_list("name", "description"))
            )

    for model_name, label in [("Department", "department"), ("Municipality", "municipality")]:
        model = apps.get_model("orgs", model_name)
        for row, changed in corrections(model, model_name, label):
            for values in changed.values():
                # Nowhere else to keep it: these have no history.
                print(f"    the old value, in full: {values['old']!r}")
            model.objects.filter(pk=row.pk).update(
                **{field: values["new"] for field, values in changed.items()}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0010_organization_move"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="department",
            name="contact_person",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="contact person",
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="name",
            field=models.CharField(
                max_length=200,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="phone",
            field=models.CharField(
                blank=True,
                max_length=40,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="phone",
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="responsibilities",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="what it handles",
            ),
        ),
        migrations.AlterField(
            model_name="municipality",
            name="name",
            field=models.CharField(
                help_text="As the country writes it.",
                max_length=200,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="address",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="address",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="contact_person",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="contact person",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
                verbose_name="purpose",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="legal_form",
            field=models.CharField(
                blank=True,
                help_text="As the country names it, for example biedrība, VšĮ or ideell förening.",
                max_length=120,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="legal form",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="name",
            field=models.CharField(
                max_length=300,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="phone",
            field=models.CharField(
                blank=True,
                max_length=40,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="phone",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="registration_number",
            field=models.CharField(
                blank=True,
                max_length=60,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="registration number",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="rejection_reason",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="reason for rejection",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="short_name",
            field=models.CharField(
                blank=True,
                max_length=100,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="short name",
            ),
        ),
        migrations.AlterField(
            model_name="organizationchange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Registered"),
                    ("edited", "Edited"),
                    ("reverted", "Reverted"),
                    ("moderated", "Checked by the municipality"),
                    ("corrected", "Corrected by the portal"),
                ],
                default="edited",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="organizationclaim",
            name="message",
            field=models.TextField(
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="how you are connected to the organization",
            ),
        ),
        migrations.AlterField(
            model_name="organizationclaim",
            name="reason",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="description",
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="name",
            field=models.CharField(
                max_length=200,
                validators=[roadmap_portal.lib.text.validate_single_line],
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="email",
            field=models.EmailField(
                blank=True,
                max_length=254,
                validators=[roadmap_portal.lib.text.validate_email_local_part],
                verbose_name="e-mail",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="email",
            field=models.EmailField(
                blank=True,
                max_length=254,
                validators=[roadmap_portal.lib.text.validate_email_local_part],
                verbose_name="contact e-mail",
            ),
        ),
        migrations.RunPython(correct_text, migrations.RunPython.noop, elidable=False),
    ]
