"""CHECK constraints for the limits that migration 0011 made every existing value meet.

A migration of its own: on PostgreSQL, a table cannot be altered in the transaction that
has just written rows referring to it ("pending trigger events"), as 0011's history does.
"""

import django.db.models.functions.text
import django.db.models.lookups
import roadmap_portal.lib.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0011_text_limits_correct_existing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("name"), 200
                ),
                name="orgs_department_name_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("name__contains", "\n"), _negated=True),
                    models.Q(("name__contains", "\r"), _negated=True),
                ),
                name="orgs_department_name_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("responsibilities"), 2000
                ),
                name="orgs_department_responsibilities_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("contact_person"), 200
                ),
                name="orgs_department_contact_person_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("contact_person__contains", "\n"), _negated=True),
                    models.Q(("contact_person__contains", "\r"), _negated=True),
                ),
                name="orgs_department_contact_person_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("email"), 254
                ),
                name="orgs_department_email_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("phone"), 40
                ),
                name="orgs_department_phone_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("phone__contains", "\n"), _negated=True),
                    models.Q(("phone__contains", "\r"), _negated=True),
                ),
                name="orgs_department_phone_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="municipality",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("name"), 200
                ),
                name="orgs_municipality_name_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="municipality",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("name__contains", "\n"), _negated=True),
                    models.Q(("name__contains", "\r"), _negated=True),
                ),
                name="orgs_municipality_name_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="municipality",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("website"), 200
                ),
                name="orgs_municipality_website_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("name"), 300
                ),
                name="orgs_organization_name_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("name__contains", "\n"), _negated=True),
                    models.Q(("name__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_name_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("short_name"), 100
                ),
                name="orgs_organization_short_name_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("short_name__contains", "\n"), _negated=True),
                    models.Q(("short_name__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_short_name_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("legal_form"), 120
                ),
                name="orgs_organization_legal_form_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("legal_form__contains", "\n"), _negated=True),
                    models.Q(("legal_form__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_legal_form_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("registration_number"), 60
                ),
                name="orgs_organization_registration_number_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("registration_number__contains", "\n"), _negated=True),
                    models.Q(("registration_number__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_registration_number_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("address"), 300
                ),
                name="orgs_organization_address_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("address__contains", "\n"), _negated=True),
                    models.Q(("address__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_address_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 5000
                ),
                name="orgs_organization_description_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("email"), 254
                ),
                name="orgs_organization_email_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("phone"), 40
                ),
                name="orgs_organization_phone_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("phone__contains", "\n"), _negated=True),
                    models.Q(("phone__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_phone_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("website"), 200
                ),
                name="orgs_organization_website_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("contact_person"), 200
                ),
                name="orgs_organization_contact_person_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("contact_person__contains", "\n"), _negated=True),
                    models.Q(("contact_person__contains", "\r"), _negated=True),
                ),
                name="orgs_organization_contact_person_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("rejection_reason"), 2000
                ),
                name="orgs_organization_rejection_reason_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organizationclaim",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("message"), 2000
                ),
                name="orgs_organizationclaim_message_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="organizationclaim",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("reason"), 2000
                ),
                name="orgs_organizationclaim_reason_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="service",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("name"), 200
                ),
                name="orgs_service_name_max_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="service",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=models.Q(
                    models.Q(("name__contains", "\n"), _negated=True),
                    models.Q(("name__contains", "\r"), _negated=True),
                ),
                name="orgs_service_name_single_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="service",
            constraint=roadmap_portal.lib.text.TextCheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="orgs_service_description_max_length",
            ),
        ),
    ]
