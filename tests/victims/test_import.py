"""Bulk import of referrals: every row or none, errors by row and column, the command and the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from offenders.models import Offender, Sentence
from tests.factories import UserFactory
from tests.offenders.factories import OffenderFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.import_jobs import import_job_run
from victims.importer import ImportFileError, RowError, import_referrals
from victims.models import Case, ImportJob, Standing, Victim

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample-referrals.csv"
SAMPLE_OFFICER = "vlo@demo.vcs.local"


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def run(actor, rows: list[dict[str, str]] | bytes, dry_run: bool = False):
    data = rows if isinstance(rows, bytes) else csv_bytes(rows)
    return import_referrals(file=io.BytesIO(data), actor=actor, dry_run=dry_run)


def nothing_written() -> bool:
    return not (
        Case.objects.exists()
        or Offender.objects.exists()
        or Sentence.objects.exists()
        or Victim.objects.exists()
    )


@pytest.fixture
def sample_vlo(team_a1):
    return UserFactory(email=SAMPLE_OFFICER, team=team_a1)


@pytest.fixture
def importer(manager, sample_vlo):
    """The manager of team A1, where the sample file's officer works."""
    return manager


# --- the sample file and whole-file behaviour ------------------------------------------------


def test_sample_file_imports_cleanly(importer):
    with SAMPLE.open("rb") as handle:
        result = import_referrals(file=handle, actor=importer, dry_run=False)
    assert result.errors == []
    # Rows 7 and 8 are two counts of one referral.
    assert (result.rows, result.cases_created) == (8, 7)
    assert Case.objects.count() == 7


def test_rows_sharing_a_pnc_share_the_offender_and_sentence(importer):
    result = run(importer, sample_rows())
    assert (result.offenders_created, result.sentences_created, result.victims_created) == (6, 6, 7)
    carter = Offender.objects.get(pnc_number="79/0412345K")
    assert carter.sentences.count() == 1
    assert Case.objects.filter(offender=carter).count() == 2


def test_cases_belong_to_the_officer_named_in_the_row(importer, sample_vlo):
    run(importer, sample_rows())
    assert set(Case.objects.values_list("officer", flat=True)) == {sample_vlo.pk}
    assert set(Offender.objects.values_list("team", flat=True)) == {sample_vlo.team_id}


def test_one_bad_row_imports_nothing_and_is_reported_by_row_and_column(importer):
    rows = sample_rows()
    rows[1]["offence_code"] = "NOT_A_CODE"  # the second data row is row 3
    result = run(importer, rows)
    assert [(e.row, e.column) for e in result.errors] == [(3, "offence_code")]
    assert "NOT_A_CODE" in result.errors[0].message
    assert nothing_written()


def test_service_rule_is_reported_on_its_column(importer):
    rows = sample_rows()
    rows[2]["sentence_date"] = "2025-12-01"  # before the offence on 2026-01-14
    result = run(importer, rows)
    assert (
        RowError(
            4, "sentence_date", "The sentence date must be on or after the offence date (14 January 2026)"
        )
        in result.errors
    )
    assert nothing_written()


def test_every_bad_row_is_reported(importer):
    rows = sample_rows()
    rows[0]["referral_received_on"] = "25/09/2026"
    rows[3]["guardian_last_name"] = ""
    rows[4]["language"] = "fr"
    result = run(importer, rows)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "referral_received_on"),
        (5, "guardian_last_name"),
        (6, "language"),
    ]
    assert nothing_written()


def test_dry_run_writes_nothing_and_reports_what_it_would_create(importer):
    result = run(importer, sample_rows(), dry_run=True)
    assert result.ok
    assert (result.cases_created, result.offenders_created) == (7, 6)
    assert nothing_written()


def test_import_is_audited_with_counts(importer):
    run(importer, sample_rows())
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, actor=importer, summary__startswith="referral import"
    )
    assert event.summary.startswith("referral import: 8 rows: 7 cases, 6 offenders")


def test_importing_the_same_file_twice_fails_the_second_time(importer):
    run(importer, sample_rows())
    result = run(importer, sample_rows())
    assert result.errors
    assert all(e.message == "This victim already has a case for this sentence" for e in result.errors)
    assert Case.objects.count() == 7


def sequence_position() -> tuple[int, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM victims_case_reference_seq")
        return cursor.fetchone()


def test_dry_run_takes_no_case_reference(importer):
    before = sequence_position()
    result = run(importer, sample_rows(), dry_run=True)
    assert result.ok and result.cases_created == 7
    assert sequence_position() == before


# --- per-count terms (two consecutive 8-month terms are 16 months) -----------------------------


def holt_rows() -> list[dict[str, str]]:
    return [r for r in sample_rows() if r["offender_last_name"] == "Holt"]


def test_two_consecutive_8_month_counts_make_a_16_month_statutory_sentence(importer):
    result = run(importer, holt_rows())
    assert result.ok and result.cases_created == 1
    case = Case.objects.get()
    sentence = case.sentence
    assert (sentence.years, sentence.months) == (1, 4)
    counts = list(sentence.counts.order_by("position"))
    assert [(c.position, c.months, c.concurrency) for c in counts] == [
        (1, 8, "concurrent"),
        (2, 8, "consecutive"),
    ]
    assert case.statutory


def test_two_concurrent_8_month_counts_stay_under_12_months(importer):
    rows = holt_rows()
    rows[1]["count_concurrency"] = "concurrent"
    run(importer, rows)
    case = Case.objects.get()
    assert case.sentence.months == 8 and not case.statutory
    assert case.standing == Standing.NOT_ELIGIBLE


def test_rows_with_one_count_number_must_agree(importer):
    rows = holt_rows()
    rows[1]["count"] = "1"
    result = run(importer, rows)
    assert [(e.row, e.column) for e in result.errors] == [(3, "count")]
    assert nothing_written()


def test_count_concurrency_must_be_a_known_value(importer):
    rows = holt_rows()
    rows[1]["count_concurrency"] = "after"
    assert [(e.row, e.column) for e in run(importer, rows).errors] == [(3, "count_concurrency")]


# --- the PNC number is optional ----------------------------------------------------------------


def test_a_row_without_a_pnc_number_imports(importer):
    rows = sample_rows()[:1]
    rows[0]["pnc_number"] = ""
    assert run(importer, rows).ok
    assert Offender.objects.get().pnc_number == ""


def test_without_a_pnc_the_offender_is_matched_by_name_and_date_of_birth(importer, team_a1):
    existing = OffenderFactory(
        team=team_a1, first_name="Dean", last_name="holt", date_of_birth=dt.date(1990, 2, 3), pnc_number=""
    )
    result = run(importer, holt_rows())
    assert result.offenders_reused == 1 and Case.objects.get().offender == existing


def test_without_a_pnc_two_matching_offenders_is_an_error(importer, team_a1):
    for _ in range(2):
        OffenderFactory(
            team=team_a1,
            first_name="Dean",
            last_name="Holt",
            date_of_birth=dt.date(1990, 2, 3),
            pnc_number="",
        )
    result = run(importer, holt_rows())
    assert (result.errors[0].row, result.errors[0].column) == (2, "pnc_number")
    assert "add the PNC number" in result.errors[0].message


# --- the discretionary context and the relationship ---------------------------------------------


def test_a_10_month_domestic_abuse_row_waits_for_a_manager(importer):
    run(importer, [r for r in sample_rows() if r["offender_last_name"] == "Walsh"])
    case = Case.objects.get()
    assert not case.statutory and case.standing == Standing.AWAITING_DECISION
    assert case.context_text == "domestic abuse"


def test_another_context_needs_its_detail(importer):
    rows = sample_rows()[:1]
    rows[0]["discretionary_context"] = "other"
    assert [(e.row, e.column) for e in run(importer, rows).errors] == [(2, "discretionary_context_detail")]


def test_an_unknown_context_is_an_error(importer):
    rows = sample_rows()[:1]
    rows[0]["discretionary_context"] = "burglary"
    assert [(e.row, e.column) for e in run(importer, rows).errors] == [(2, "discretionary_context")]


def test_relationship_to_the_person_harmed_is_imported(importer):
    run(importer, sample_rows()[:1])
    assert Case.objects.get().relationship_text == "Bereaved family member (mother)"


# --- courts outside England and Wales -------------------------------------------------------------


def test_a_scottish_court_is_refused_with_the_reason(importer):
    rows = sample_rows()[:1]
    rows[0]["court"] = "Glasgow High Court"
    result = run(importer, rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "court")]
    assert "court in Scotland" in result.errors[0].message
    assert nothing_written()


def test_a_court_postcode_in_scotland_is_refused(importer):
    rows = sample_rows()[:1]
    rows[0]["court"], rows[0]["court_postcode"] = "High Court", "G2"
    result = run(importer, rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "court_postcode")]


def test_a_welsh_court_imports(importer):
    rows = sample_rows()[:1]
    rows[0]["court"], rows[0]["court_postcode"] = "Cardiff Crown Court", "CF10 1ET"
    assert run(importer, rows).ok


# --- scope -----------------------------------------------------------------------------


def test_officer_outside_the_importers_teams_is_an_error(importer, other_team_vlo):
    rows = sample_rows()
    rows[0]["officer_email"] = other_team_vlo.email
    result = run(importer, rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "officer_email")]
    assert nothing_written()


def test_pnc_held_by_another_region_is_an_error(importer, team_b1):
    OffenderFactory(team=team_b1, pnc_number="10/0023456P")
    result = run(importer, sample_rows())
    assert [(e.row, e.column) for e in result.errors] == [(4, "pnc_number")]
    assert Case.objects.count() == 0


def test_existing_visible_offender_is_reused(importer, team_a1):
    existing = OffenderFactory(team=team_a1, pnc_number="10/0023456P")
    result = run(importer, sample_rows())
    assert result.offenders_reused == 1
    assert Case.objects.filter(offender=existing).count() == 1


# --- the file as a whole ----------------------------------------------------------------


def test_file_over_the_size_limit_is_rejected(importer, settings):
    settings.VCS_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="smaller than"):
        run(importer, sample_rows())


def test_file_that_is_not_utf8_is_rejected(importer):
    data = csv_bytes(sample_rows()).replace(b"Susan", "Zoë".encode("latin-1"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        run(importer, data)


def test_missing_required_column_is_reported_on_row_1(importer):
    rows = [{k: v for k, v in row.items() if k != "court"} for row in sample_rows()]
    result = run(importer, rows)
    assert result.errors == [RowError(1, "court", "Required column is missing")]


# --- the command --------------------------------------------------------------------------


def test_command_prints_errors_and_exits_non_zero(importer, tmp_path, capsys):
    rows = sample_rows()
    rows[1]["offence_code"] = "NOT_A_CODE"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_referrals", str(path), "--as", importer.email)
    assert "Row 3, column offence_code:" in capsys.readouterr().err
    assert nothing_written()


def test_command_imports_and_prints_a_summary(importer, capsys):
    call_command("import_referrals", str(SAMPLE), "--as", importer.email)
    assert "Imported 8 rows: 7 cases" in capsys.readouterr().out
    assert Case.objects.count() == 7


def test_command_dry_run_saves_nothing(importer, capsys):
    call_command("import_referrals", str(SAMPLE), "--as", importer.email, "--dry-run")
    assert "Dry run, nothing saved" in capsys.readouterr().out
    assert nothing_written()


# --- the upload page ------------------------------------------------------------------------


def upload(client: Client, data: bytes, dry_run: bool = False):
    payload = {"file": SimpleUploadedFile("referrals.csv", data, content_type="text/csv")}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post(reverse("victims:referral_import"), payload)


def upload_and_import(client: Client, data: bytes, dry_run: bool = False):
    """Upload, run the queued job as the worker would, and follow the redirect to its page."""
    response = upload(client, data, dry_run=dry_run)
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert import_job_run(job_id=job.pk)
    return client.get(response.url)


def test_upload_page_sends_anonymous_user_to_sign_in():
    response = Client().get(reverse("victims:referral_import"))
    assert response.status_code == 302
    assert reverse("core:login") in response.url


def test_upload_page_is_404_for_a_vlo(vlo_client):
    assert vlo_client.get(reverse("victims:referral_import")).status_code == 404


def test_upload_page_is_404_for_an_admin(admin_client_verified):
    assert admin_client_verified.get(reverse("victims:referral_import")).status_code == 404


def test_upload_page_shows_for_a_manager(manager_client):
    response = manager_client.get(reverse("victims:referral_import"))
    assert response.status_code == 200
    assert "Check the file only (dry run)" in response.content.decode()


def test_manager_uploads_a_file_and_sees_the_counts(manager_client, sample_vlo):
    response = upload_and_import(manager_client, SAMPLE.read_bytes())
    page = response.content.decode()
    assert "Referrals imported" in page
    assert "7 cases created" in page
    assert Case.objects.count() == 7


def test_upload_with_errors_shows_them_in_a_table(manager_client, sample_vlo):
    rows = sample_rows()
    rows[1]["offence_code"] = "NOT_A_CODE"
    page = upload_and_import(manager_client, csv_bytes(rows)).content.decode()
    assert "govuk-error-summary" in page
    assert 'id="import-errors"' in page
    assert "<code>offence_code</code>" in page
    assert nothing_written()


def test_upload_dry_run_saves_nothing(manager_client, sample_vlo):
    page = upload_and_import(manager_client, SAMPLE.read_bytes(), dry_run=True).content.decode()
    assert "What the import would create" in page
    assert nothing_written()


def test_upload_of_a_non_csv_file_is_an_error_on_the_file_field(manager_client, sample_vlo):
    response = upload(manager_client, b"PK\x03\x04\x00\x00binary")
    assert response.context["form"].errors["file"] == [
        "The file must be a CSV file, not a spreadsheet or other document"
    ]
    assert nothing_written()
    assert not ImportJob.objects.exists()
