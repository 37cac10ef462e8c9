"""The database cache's table (rate-limit counts shared by every server process).

``createcachetable`` creates the tables of every DatabaseCache in settings.CACHES and
skips those that exist, so running it from a migration keeps `luukku migrate` (and so
`make demo`, `make serve` and the test database) the only set-up step.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
