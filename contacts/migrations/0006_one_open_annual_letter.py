"""One open annual-letter task per case, and the clean-up of what the old sweeps made.

Until this release each run of the daily jobs could add another yearly "Send the annual letter"
task for a victim who opted in years ago (2009, 2010, ...), and a manager's escalation for each.
Before the constraint is added, every open annual task of a case but the latest year's is
cancelled with the reason, and so are the open escalations of those tasks. The first daily run
after this release closes whatever else the rules no longer ask for (docs/jobs.md).
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

REASON = "Closed when one annual letter per case became the rule: a later year's letter replaces it"


def _year(key):
    tail = key.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def close_duplicates(apps, schema_editor):
    Task = apps.get_model("contacts", "Task")
    now = timezone.now()
    open_annual = Task.objects.filter(kind="annual_letter", status="open").order_by("case_id")
    by_case = {}
    for pk, case_id, key in open_annual.values_list("pk", "case_id", "dedupe_key").iterator():
        by_case.setdefault(case_id, []).append((_year(key), pk))
    superseded = []
    for tasks in by_case.values():
        tasks.sort()
        superseded += [pk for _, pk in tasks[:-1]]
    for start in range(0, len(superseded), 1000):
        chunk = superseded[start : start + 1000]
        Task.objects.filter(pk__in=chunk).update(status="cancelled", outcome=REASON, completed_at=now)
        Task.objects.filter(
            kind="escalation", status="open", dedupe_key__in=[f"overdue:{pk}" for pk in chunk]
        ).update(status="cancelled", outcome="The escalated task is closed", completed_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_consultation_task_kind"),
        ("victims", "0008_case_dashboard_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "annual_letter"), ("status", "open")),
                fields=("case",),
                name="task_one_open_annual_letter_per_case",
                violation_error_message="A case has one open annual-letter task at a time.",
            ),
        ),
    ]
