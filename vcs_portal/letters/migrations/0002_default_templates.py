"""Load the default wording of every letter; admins edit it afterwards in the admin."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from vcs_portal.letters.default_templates import templates_load

    templates_load(apps.get_model("letters", "LetterTemplate"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
