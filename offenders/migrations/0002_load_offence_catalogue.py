"""Load the shipped offence catalogue; admins edit it afterwards in the admin."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from offenders.catalogue import catalogue_load

    catalogue_load(apps.get_model("offenders", "Offence"))


class Migration(migrations.Migration):
    dependencies = [("offenders", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
