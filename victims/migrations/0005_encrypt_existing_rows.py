"""Encrypt the rows written before the fields were encrypted.

Reading a plaintext value through an encrypted field returns it unchanged (the token
does not decrypt), and saving it writes it encrypted, so re-saving every row is enough.
"""

from __future__ import annotations

from django.db import migrations

FIELDS = {
    "Victim": ["phone", "email", "accessibility_needs", "safe_times_to_call"],
    "Address": ["line_1", "line_2", "town", "county", "postcode"],
    "SafetyConcern": ["description"],
}


def encrypt(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("victims", model_name)
        batch = []
        for row in model.objects.all().iterator(chunk_size=1000):
            batch.append(row)
            if len(batch) == 1000:
                model.objects.bulk_update(batch, fields)
                batch = []
        if batch:
            model.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [("victims", "0004_encrypt_contact_details")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop)]
