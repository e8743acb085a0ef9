"""New default wording: letters say what the record says (licence conditions and the reasons for
refused ones, the hearing month and the statement's deadline, what the category means) and give
the team's ways of contact, with a phone number wherever they speak of safety.

Only wording no admin has edited is replaced; edited wording is left for its admin to update.
"""

from __future__ import annotations

from django.db import migrations


def refresh(apps, schema_editor):
    from vcs_portal.letters.default_templates import templates_refresh

    templates_refresh(apps.get_model("letters", "LetterTemplate"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_letter_large_print")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
