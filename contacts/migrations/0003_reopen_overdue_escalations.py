"""Reopen the escalations of overdue work that first contact closed by mistake.

Until this release, first contact with the victim (logged, or found by the daily deadline sweep)
closed every open escalation on the case, including a manager's escalation of some other overdue
task (dedupe key ``overdue:<task id>``), with the outcome "First contact made on ...". Those whose
overdue task is still open are reopened, so the manager sees them again.
"""

from django.db import migrations


def reopen(apps, schema_editor):
    Task = apps.get_model("contacts", "Task")
    closed = Task.objects.filter(
        kind="escalation",
        dedupe_key__startswith="overdue:",
        status="done",
        outcome__startswith="First contact made on",
    )
    for escalation in closed.iterator():
        overdue_id = escalation.dedupe_key.partition(":")[2]
        if overdue_id.isdigit() and Task.objects.filter(pk=int(overdue_id), status="open").exists():
            Task.objects.filter(pk=escalation.pk).update(
                status="open", outcome="", completed_at=None, completed_by=None
            )


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_write_history")]

    operations = [migrations.RunPython(reopen, migrations.RunPython.noop)]
