"""The prison register: create it, load it from offenders/data/establishments.csv, and map the
locations already recorded (free text until now) onto it.

A location that is some common form of a registered establishment ("H.M.P. Cardiff", "Cardiff
prison") is rewritten to the register's name ("HMP Cardiff"); any other is left as typed, for an
admin to add to the register (the register's admin page lists them).
"""

from django.db import migrations, models


def load_and_map(apps, schema_editor):
    from offenders.register import display_name_for, match_location, register_load

    Establishment = apps.get_model("offenders", "Establishment")
    register_load(Establishment)
    establishments = list(Establishment.objects.all())
    for model_name in ("Offender", "SentenceEvent"):
        model = apps.get_model("offenders", model_name)
        for location in model.objects.exclude(location="").values_list("location", flat=True).distinct():
            found = match_location(location, establishments)
            if found is None:
                continue
            name = display_name_for(found.name, found.kind)
            if name != location:
                model.objects.filter(location=location).update(location=name)


class Migration(migrations.Migration):

    dependencies = [
        ('offenders', '0005_reload_offence_catalogue'),
    ]

    operations = [
        migrations.CreateModel(
            name='Establishment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='The HMPPS prison code (e.g. CFI), or our own for a hospital.', max_length=12, unique=True)),
                ('name', models.CharField(help_text='The short name, e.g. Cardiff, or Broadmoor Hospital.', max_length=100)),
                ('kind', models.CharField(choices=[('prison', 'Prison'), ('yoi', 'Young offender institution'), ('stc', 'Secure training centre'), ('hospital', 'Secure hospital')], max_length=10)),
                ('welsh_name', models.CharField(blank=True, help_text='E.g. Carchar Caerdydd.', max_length=150)),
                ('common_forms', models.TextField(blank=True, help_text='Other names it goes by, one a line (e.g. Strangeways). The usual forms (HMP Cardiff, H.M.P. Cardiff, Cardiff prison, HM Prison Cardiff) are known without listing them.')),
                ('is_active', models.BooleanField(default=True, help_text='Untick for a closed establishment.')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['name', 'kind'],
            },
        ),
        migrations.RunPython(load_and_map, migrations.RunPython.noop),
    ]
