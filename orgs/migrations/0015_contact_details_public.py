from django.db import migrations, models


class Migration(migrations.Migration):
    """Who sees an entry's e-mail and phone. Entries listed before the choice existed were
    registered under the promise that their contact details are published (the privacy
    page said so), so they stay public; new entries are asked, and show neither by default.
    Added with a database default of true (no table rewrite on PostgreSQL), then the default
    becomes false."""

    dependencies = [
        ("orgs", "0014_import_record_to_exchange"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="email_public",
            field=models.BooleanField(
                db_default=True, default=True, verbose_name="show the e-mail address publicly"
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="phone_public",
            field=models.BooleanField(
                db_default=True, default=True, verbose_name="show the phone number publicly"
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="email_public",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="show the e-mail address publicly"
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="phone_public",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="show the phone number publicly"
            ),
        ),
    ]
