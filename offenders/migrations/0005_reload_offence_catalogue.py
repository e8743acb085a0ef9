"""Reload the offence catalogue with its citations; corrects existing databases by offence code.

Upserts from ``offenders/data/offences.csv``: new offences are added and every listed offence's
flags and citations are overwritten (RTA 1988 s.3ZC, the terrorism offences and the child
offences were wrong). Nothing is deleted: offences not in the file stay, since sentences refer
to them; an admin retires one by unticking "active".
"""

from __future__ import annotations

from django.db import migrations


def reload(apps, schema_editor):
    from offenders.catalogue import catalogue_load

    catalogue_load(apps.get_model("offenders", "Offence"), update=True)


class Migration(migrations.Migration):
    dependencies = [("offenders", "0004_catalogue_citations")]

    operations = [migrations.RunPython(reload, migrations.RunPython.noop)]
