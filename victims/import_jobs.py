"""Referral imports off the web request: a job row, a Celery task, and the page that watches it.

The upload view stores the file in an ``ImportJob`` and returns at once; ``tasks.import_job_run_task``
runs ``import_job_run`` in a worker, which checks and applies the file with the same importer the
``import_referrals`` command uses (victims/importer.py), so the all-or-nothing rule is the importer's.

Progress has to be visible while the import's transaction is open, and that transaction must stay
one transaction (a file is saved whole or not at all). So the job row is never written inside it:

* the worker claims the job (queued -> checking) in autocommit, before the import starts;
* while rows are checked and then written, progress goes to the job row through a *second*
  database connection of its own, in autocommit, every ``PROGRESS_EVERY`` rows. The import's
  connection never touches the job row, so the two never wait on each other's locks, and the
  progress is committed (visible to the web page) while the import's inserts are not. A rollback
  of the import (errors, a dry run) leaves the progress in place, as it should;
* when the import's transaction has committed or rolled back, the worker writes the outcome
  (errors, counts, done or failed) through its own connection, in autocommit.

Committing the checking phase in chunks on the main connection would work for the shape checks,
but the slow part is writing (each row through the services, with duplicate checks against
existing records), and that must be one transaction; the second connection serves both phases.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role, User
from vcs_portal.core.scope import get_visible_or_404

from . import tasks
from .importer import COLUMNS, ImportFileError, ImportResult, import_referrals, read_rows
from .models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 50  # rows between two progress writes
COUNT_FIELDS = (
    "rows",
    "cases_created",
    "offenders_created",
    "offenders_reused",
    "sentences_created",
    "victims_created",
    "victims_reused",
)


@transaction.atomic
def import_job_create(*, actor: User, upload: UploadedFile, dry_run: bool) -> ImportJob:
    """Store the file and queue its import; the worker starts once this transaction commits.

    The file is read here (it is at most VCS_IMPORT_MAX_BYTES) so that a file that cannot be read
    at all (not UTF-8, not CSV, empty) is refused on the upload form at once, with its reason.
    Raises ImportFileError for such a file and PermissionError for anyone but a manager.
    """
    if actor.role != Role.MANAGER:
        raise PermissionError("Only managers can import referrals")
    content = upload.read()
    _header, records = read_rows(io.BytesIO(content))
    job = ImportJob(
        created_by=actor,
        file_name=(upload.name or "")[:255],
        content=content,
        dry_run=dry_run,
        rows_total=len(records),
    )
    job.full_clean(exclude=["content"])
    job.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=job,
        summary=f"referral import queued: {len(records)} rows{' (dry run)' if dry_run else ''}",
    )
    transaction.on_commit(lambda: tasks.import_job_run_task.delay(job.pk))
    return job


def import_job_get_for_user(*, user: Any, pk: int) -> ImportJob:
    """The user's own import job; anyone else's (or none) is a 404, never a 403, and audited."""
    return get_visible_or_404(ImportJob.objects.all(), user, pk=pk)


class _ProgressWriter:
    """Writes a job's progress through a database connection of its own, in autocommit.

    Called by the importer after each row; writes every ``PROGRESS_EVERY`` rows and at the end of
    each phase. See the module's docstring for why it is a second connection.
    """

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self.phase = ""

    def __call__(self, phase: str, done: int, result: ImportResult) -> None:
        total = result.rows if phase == "checking" else result.rows_to_write
        if phase != self.phase:
            self.phase = phase
            if phase == "applying":
                self.write(status=ImportStatus.APPLYING, rows_to_write=total, rows_written=0)
        if done % PROGRESS_EVERY and done != total:
            return
        if phase == "checking":
            self.write(rows_checked=done, rows_with_problems=result.rows_with_problems)
        else:
            self.write(rows_written=done, rows_with_problems=result.rows_with_problems)

    def write(self, **fields: Any) -> None:
        quote = self.connection.ops.quote_name
        assignments = ", ".join(f"{quote(ImportJob._meta.get_field(name).column)} = %s" for name in fields)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(ImportJob._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
                [*fields.values(), self.job.pk],
            )

    def close(self) -> None:
        self.connection.close()


def import_job_run(*, job_id: int) -> bool:
    """Check and apply a queued import; False if it was not queued (already run, or running).

    Not atomic itself, on purpose: the import runs in its own transaction and the job row is
    written around it (see the module's docstring). Safe to run twice: the job is claimed with a
    conditional update, so a second run finds it no longer queued and does nothing.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, started_at=timezone.now()
    )
    if claimed != 1:
        return False
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    progress = _ProgressWriter(job)
    try:
        result = import_referrals(
            file=io.BytesIO(bytes(job.content)), actor=job.created_by, dry_run=job.dry_run, progress=progress
        )
    except (ImportFileError, PermissionError) as error:
        _finish(job, status=ImportStatus.FAILED, failure=str(error)[:255])
        return True
    except Exception:
        logger.exception("Referral import job %s stopped", job_id)
        _finish(
            job, status=ImportStatus.FAILED, failure="The import stopped unexpectedly. Nothing was saved."
        )
        raise
    finally:
        progress.close()
    _finish(
        job,
        status=ImportStatus.DONE,
        rows_checked=result.rows,
        rows_to_write=result.rows_to_write,
        rows_written=result.rows_to_write,
        rows_with_problems=result.rows_with_problems,
        errors=[
            {"row": error.row, "column": error.column, "message": error.message}
            for error in sorted(
                result.errors, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1)
            )
        ],
        counts={name: getattr(result, name) for name in COUNT_FIELDS},
        saved=result.saved,
    )
    return True


def _finish(job: ImportJob, **fields: Any) -> None:
    """Record the outcome, and drop the file's content: what the manager needs is on the job."""
    fields |= {"content": b"", "finished_at": timezone.now()}
    ImportJob.objects.filter(pk=job.pk).update(**fields)
