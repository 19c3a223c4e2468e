from django.db import migrations, models

# orgs.models.COUNTRY_LANGUAGES as it was when this migration was written.
COUNTRY_LANGUAGES = {"LV": "lv", "LT": "lt", "SE": "sv", "PT": "pt", "CY": "el", "GR": "el"}


def set_from_country(apps, schema_editor):
    """Existing entries were written in their country's language, most likely: one UPDATE
    per language, whatever the number of rows."""
    Organization = apps.get_model("orgs", "Organization")
    for country, language in COUNTRY_LANGUAGES.items():
        Organization.objects.filter(country=country, description_language="").update(
            description_language=language
        )
    Organization.objects.filter(description_language="").update(description_language="en")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0017_staff_invitation_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="description_language",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                choices=[
                    ("lv", "Latvian"),
                    ("en", "English"),
                    ("lt", "Lithuanian"),
                    ("sv", "Swedish"),
                    ("pt", "Portuguese"),
                    ("el", "Greek"),
                ],
                help_text="The language your description is written in.",
                max_length=8,
                verbose_name="language of the purpose",
            ),
        ),
        migrations.RunPython(set_from_country, migrations.RunPython.noop, elidable=True),
    ]
