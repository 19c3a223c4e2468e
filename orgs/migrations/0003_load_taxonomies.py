from django.db import migrations

from orgs.taxonomies import taxonomies_load


def load(apps, schema_editor):
    taxonomies_load(apps)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_search_postgresql")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
