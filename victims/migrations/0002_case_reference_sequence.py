"""Case references come from a database sequence, so concurrent referrals never collide."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("victims", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS victims_case_reference_seq START 1",
            "DROP SEQUENCE IF EXISTS victims_case_reference_seq",
        )
    ]
