"""Bulk import of referrals from a CSV file: all rows or none.

The columns, their types and allowed values are documented in ``docs/referral-import.md``.
Each row is checked for shape here (required values, ISO dates, whole numbers, allowed
codes, the officer and offence looked up), then written through the same services the
referral wizard uses, so the same rules apply. The whole file is written in one
transaction; each row runs in its own savepoint so that every row's errors can be
reported, and if any row fails (or on a dry run) the transaction is rolled back and
nothing is kept.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first referral
row 2. Rows with the same PNC number (or, without one, the same offender name and date of
birth) share one offender (created once, or an existing one the importing user may see); rows
that also have the same sentence type, date, court and length share one sentence, whose counts
are every distinct ``count`` (or, unnumbered, every distinct offence, date and term) among them,
each with its own term where the row gives one.
A victim with the same name and date of birth as one the user may see (or an earlier row)
is reused, so importing the same file twice fails on the second run instead of creating
duplicate cases.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from offenders.models import Concurrency, MappaLevel, Offence, Offender, Sentence, SentenceType
from offenders.services import CountInput, normalise_pnc, offender_create, sentence_create
from vcs_portal.core.audit import audit_record
from vcs_portal.core.models import AuditAction, Role, User

from .jurisdiction import court_outside_england_and_wales, postcode_jurisdiction
from .models import Channel, DiscretionaryContext, Language, Relationship, Victim
from .referrals import (
    PNC_ELSEWHERE_MESSAGE,
    PNC_PATTERN,
    POSTCODE_PATTERN,
    counts_total,
    error_messages,
    offender_duplicates,
    officers_for,
    victim_duplicates,
)
from .services import AddressInput, case_create, victim_create

FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet numbers it

REQUIRED_COLUMNS = (
    "officer_email",
    "referral_received_on",
    "offender_first_name",
    "offender_last_name",
    "offender_date_of_birth",
    "offence_code",
    "sentence_type",
    "sentence_date",
    "court",
    "victim_first_name",
    "victim_last_name",
    "relationship",
    "address_line_1",
    "town",
    "postcode",
)
OPTIONAL_COLUMNS = (
    "pnc_number",
    "prison_number",
    "crn",
    "location",
    "mappa_level",
    "offender_manager_name",
    "offender_manager_email",
    "offender_manager_phone",
    "offence_date",
    "count",
    "count_years",
    "count_months",
    "count_days",
    "count_concurrency",
    "court_postcode",
    "sentence_years",
    "sentence_months",
    "sentence_days",
    "victim_date_of_birth",
    "relation_to_person_harmed",
    "discretionary_context",
    "discretionary_context_detail",
    "address_line_2",
    "county",
    "phone",
    "email",
    "preferred_channel",
    "language",
    "accessibility_needs",
    "safe_times_to_call",
    "guardian_first_name",
    "guardian_last_name",
    "guardian_relationship",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Where each service's argument names come from in the file, for putting its messages on a column.
OFFENDER_COLUMNS = {
    "first_name": "offender_first_name",
    "last_name": "offender_last_name",
    "date_of_birth": "offender_date_of_birth",
}
SENTENCE_COLUMNS = {
    "offence": "offence_code",
    "years": "sentence_years",
    "months": "sentence_months",
    "days": "sentence_days",
}
VICTIM_COLUMNS = {
    "first_name": "victim_first_name",
    "last_name": "victim_last_name",
    "date_of_birth": "victim_date_of_birth",
    "line_1": "address_line_1",
    "line_2": "address_line_2",
}
CASE_COLUMNS = {"officer": "officer_email", "court": "court"}

MAX_LENGTHS = {
    "offender_first_name": 100,
    "offender_last_name": 100,
    "victim_first_name": 100,
    "victim_last_name": 100,
    "prison_number": 20,
    "crn": 20,
    "location": 150,
    "offender_manager_name": 150,
    "offender_manager_phone": 30,
    "court": 150,
    "address_line_1": 150,
    "address_line_2": 150,
    "town": 100,
    "county": 100,
    "phone": 30,
    "safe_times_to_call": 255,
    "guardian_first_name": 100,
    "guardian_last_name": 100,
    "guardian_relationship": 50,
    "court_postcode": 10,
    "relation_to_person_harmed": 50,
    "discretionary_context_detail": 255,
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read: too big, not UTF-8, not CSV, or no header."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, column {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What was (or, on a dry run or failure, would have been) created."""

    dry_run: bool
    rows: int = 0
    offenders_created: int = 0
    offenders_reused: int = 0
    sentences_created: int = 0
    victims_created: int = 0
    victims_reused: int = 0
    cases_created: int = 0
    rows_to_write: int = 0  # the rows whose shape is right, which go on to the services
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_with_problems(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        return (
            f"{self.rows} rows: {self.cases_created} cases, {self.offenders_created} offenders, "
            f"{self.sentences_created} sentences and {self.victims_created} victims created; "
            f"{self.offenders_reused} existing offenders and {self.victims_reused} existing victims used"
        )


def max_bytes() -> int:
    return settings.VCS_IMPORT_MAX_BYTES


def _size_text(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{limit // 1024} KB"


# --- reading the file -----------------------------------------------------------------


def read_rows(file: IO[bytes]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows with their spreadsheet row numbers."""
    limit = max_bytes()
    raw = file.read(limit + 1)
    if len(raw) > limit:
        raise ImportFileError(f"The file must be smaller than {_size_text(limit)}")
    text = decode(raw)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise ImportFileError(f"The file is not a valid CSV file ({error})") from error
    if not records or not any(cell.strip() for cell in records[0]):
        raise ImportFileError("The file is empty: it needs a header row and at least one referral")
    header = [cell.strip().lower() for cell in records[0]]
    rows = [
        (number, record)
        for number, record in enumerate(records[1:], start=FIRST_DATA_ROW)
        if any(cell.strip() for cell in record)
    ]
    return header, rows


NOT_A_CSV = "The file must be a CSV file, not a spreadsheet or other document"
# What a spreadsheet or other document starts with: a zip (xlsx, ods, docx), OLE2 (xls), a PDF.
DOCUMENT_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF")


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without Excel's byte order mark), or UTF-16 with its BOM.

    Excel's "Unicode Text" and some exports save UTF-16 with a byte order mark, which says
    unambiguously how to read the file, so it is accepted. Anything else that is not UTF-8 is
    refused with a message that names what the file looks like, so the manager knows to save it
    again as CSV UTF-8 rather than wonder whether it is a spreadsheet.
    """
    if raw.startswith(DOCUMENT_SIGNATURES):
        raise ImportFileError(NOT_A_CSV)
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(_not_utf8("UTF-32"))
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")  # the BOM says which byte order, and is dropped
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_not_utf8(_looks_like(raw))) from error
    if "\x00" in text:
        # NUL is never in a CSV written as text: UTF-16 without its BOM, or a binary file.
        looks = _looks_like(raw)
        raise ImportFileError(_not_utf8(looks) if looks.startswith("UTF-16") else NOT_A_CSV)
    return text


def _not_utf8(encoding: str) -> str:
    return f"The file is not UTF-8 text (it looks like {encoding}). Save it as CSV UTF-8 and upload it again."


def _looks_like(raw: bytes) -> str:
    """A reader's guess at the encoding of bytes that are not UTF-8, for the error message."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    if sample and odd.count(0) > len(odd) // 2:
        return "UTF-16 (little-endian) without a byte order mark"
    if sample and even.count(0) > len(even) // 2:
        return "UTF-16 (big-endian) without a byte order mark"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 with characters that cannot be read"
    if b"\x00" in sample:
        return "a binary file"
    if any(0x80 <= byte <= 0x9F for byte in raw):
        return "Windows-1252, as Excel's plain “CSV (Comma delimited)” saves it"
    return "Windows-1252 or Latin-1, as Excel's plain “CSV (Comma delimited)” saves it"


def header_errors(header: list[str]) -> list[RowError]:
    errors = [RowError(1, name, "Unknown column") for name in header if name and name not in COLUMNS]
    errors += [
        RowError(1, name, "The column appears more than once")
        for name in set(header)
        if header.count(name) > 1
    ]
    errors += [
        RowError(1, name, "Required column is missing") for name in REQUIRED_COLUMNS if name not in header
    ]
    return sorted(errors, key=lambda e: (COLUMNS.index(e.column) if e.column in COLUMNS else -1, e.message))


# --- one row's shape --------------------------------------------------------------------


@dataclass
class Row:
    """One referral row, checked for shape and with its officer and offence looked up."""

    number: int
    officer: User
    values: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.values[column]

    @property
    def offender_key(self) -> Any:
        """The PNC number; without one, the name and date of birth (the wizard's duplicate check)."""
        if self["pnc_number"]:
            return self["pnc_number"]
        return (
            "name",
            self["offender_first_name"].casefold(),
            self["offender_last_name"].casefold(),
            self["offender_date_of_birth"],
        )

    @property
    def count(self) -> CountInput:
        return CountInput(
            offence=self["offence"],
            offence_date=self["offence_date"],
            years=self["count_years"],
            months=self["count_months"],
            days=self["count_days"],
            concurrency=self["count_concurrency"],
        )

    @property
    def sentence_key(self) -> tuple[Any, ...]:
        return (
            self.offender_key,
            self["sentence_type"],
            self["sentence_date"],
            self["court"].casefold(),
            self["sentence_years"],
            self["sentence_months"],
            self["sentence_days"],
        )

    @property
    def referral_key(self) -> tuple[Any, ...]:
        """Rows for one victim on one sentence are one referral: each further row adds a count."""
        return (
            self.sentence_key,
            self["victim_first_name"].casefold(),
            self["victim_last_name"].casefold(),
            self["victim_date_of_birth"],
        )

    @property
    def victim_key(self) -> tuple[Any, ...] | None:
        born = self["victim_date_of_birth"]
        if born is None:
            return None  # a name alone is too weak to treat two rows as one person
        return (self["victim_first_name"].casefold(), self["victim_last_name"].casefold(), born)


class RowParser:
    """Turns a CSV record into a Row, collecting every shape error it finds."""

    def __init__(self, *, actor: User, header: list[str]) -> None:
        self.header = header
        self.officers = {u.email.lower(): u for u in officers_for(actor).select_related("team")}
        self.offences = {o.code: o for o in Offence.objects.filter(is_active=True)}

    def parse(self, number: int, record: list[str]) -> tuple[Row | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        if len(record) > len(self.header):
            fail("", f"The row has {len(record)} values but the header has {len(self.header)} columns")
            return None, errors
        cells = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(self.header)}
        values: dict[str, Any] = {name: cells.get(name, "") for name in COLUMNS}

        for name in REQUIRED_COLUMNS:
            if not values[name]:
                fail(name, "Enter a value: this column is required")
        for name, limit in MAX_LENGTHS.items():
            if len(values[name]) > limit:
                fail(name, f"Must be {limit} characters or fewer")

        officer = self.officers.get(values["officer_email"].lower())
        if values["officer_email"] and officer is None:
            fail("officer_email", "No active VLO with this email address is in your teams")

        for name in (
            "referral_received_on",
            "offender_date_of_birth",
            "offence_date",
            "sentence_date",
            "victim_date_of_birth",
        ):
            values[name] = _date(values[name], name, fail)
        for name in (
            "sentence_years",
            "sentence_months",
            "sentence_days",
            "count_years",
            "count_months",
            "count_days",
        ):
            values[name] = _whole_number(values[name], name, fail)
        values["count"] = _whole_number(values["count"], "count", fail)

        pnc = normalise_pnc(values["pnc_number"])
        if pnc and not PNC_PATTERN.match(pnc):
            fail("pnc_number", "Enter a PNC number in the correct format, like 85/1234567A")
        values["pnc_number"] = pnc
        values["prison_number"] = "".join(values["prison_number"].split()).upper()
        values["crn"] = "".join(values["crn"].split()).upper()
        postcode = " ".join(values["postcode"].upper().split())
        if postcode and not POSTCODE_PATTERN.match(postcode):
            fail("postcode", "Enter a real postcode, like M5 4WT")
        values["postcode"] = postcode

        court_postcode = " ".join(values["court_postcode"].upper().split())
        refusal = court_outside_england_and_wales(values["court"], court_postcode)
        if values["court"] and refusal:
            fail("court_postcode" if postcode_jurisdiction(court_postcode) else "court", refusal)
        values["court_postcode"] = court_postcode

        code = values["offence_code"].upper()
        values["offence"] = self.offences.get(code)
        if code and values["offence"] is None:
            fail("offence_code", f"Unknown offence code {code!r}: use a code from the offence catalogue")

        values["sentence_type"] = _choice(values, "sentence_type", SentenceType, fail)
        values["relationship"] = _choice(values, "relationship", Relationship, fail)
        values["preferred_channel"] = _choice(
            values, "preferred_channel", Channel, fail, default=Channel.LETTER
        )
        values["language"] = _choice(values, "language", Language, fail, default=Language.ENGLISH)
        values["mappa_level"] = _choice(values, "mappa_level", MappaLevel, fail, default="")
        values["count_concurrency"] = _choice(
            values, "count_concurrency", Concurrency, fail, default=Concurrency.CONCURRENT
        )
        values["discretionary_context"] = _choice(
            values, "discretionary_context", DiscretionaryContext, fail, default=""
        )
        if (
            values["discretionary_context"] == DiscretionaryContext.OTHER
            and not values["discretionary_context_detail"]
        ):
            fail("discretionary_context_detail", "Say what the other context is")
        for name in ("email", "offender_manager_email"):
            if values[name]:
                try:
                    validate_email(values[name])
                except ValidationError:
                    fail(name, "Enter an email address in the correct format, like name@example.com")

        if errors:
            return None, errors
        assert officer is not None  # an unknown officer is an error above
        return Row(number=number, officer=officer, values=values), []


def _date(value: str, column: str, fail: Callable[[str, str], None]) -> date | None:
    if not value:
        return None
    try:
        if len(value) != len("YYYY-MM-DD"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        fail(column, f"Enter a real date in the form YYYY-MM-DD, like 2026-10-05 (not {value!r})")
        return None


def _whole_number(value: str, column: str, fail: Callable[[str, str], None]) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > 999:
        fail(column, "Enter a whole number from 0 to 999")
        return None
    return int(value) or None


def _choice(
    values: dict[str, Any],
    column: str,
    choices: Any,
    fail: Callable[[str, str], None],
    default: str | None = None,
) -> str:
    value = values[column].lower()
    if not value and default is not None:
        return default
    allowed = [c for c in choices.values if c]
    if value and value not in allowed:
        fail(column, f"Must be one of: {', '.join(allowed)}")
    return value


# --- writing -----------------------------------------------------------------------------


class _RowFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


class _Rollback(Exception):
    """Raised inside the transaction to undo it: a dry run, or a file with errors."""


def _service(
    row: Row, columns: dict[str, str], call: Callable[..., Any], *, default_column: str = "", **kwargs: Any
) -> Any:
    try:
        return call(**kwargs)
    except ValidationError as error:
        raise _RowFailed(
            [
                RowError(
                    row.number,
                    default_column if key == NON_FIELD_ERRORS else columns.get(key, key),
                    message,
                )
                for key, messages in error_messages(error).items()
                for message in messages
            ]
        ) from error


class Importer:
    """Writes checked rows through the services, reusing offenders, sentences and victims."""

    def __init__(
        self,
        *,
        actor: User,
        rows: list[Row],
        result: ImportResult,
        on_row: Callable[[int], None] | None = None,
    ) -> None:
        self.actor = actor
        self.rows = rows
        self.result = result
        self.on_row = on_row or (lambda done: None)
        self.offenders: dict[str, Offender] = {}
        self.sentences: dict[tuple[Any, ...], Sentence] = {}
        self.victims: dict[tuple[Any, ...], Victim] = {}
        self.counts: dict[tuple[Any, ...], list[CountInput]] = {}
        self.lengths: dict[tuple[Any, ...], tuple[int | None, int | None, int | None]] = {}
        self._gather_counts()

    def _gather_counts(self) -> None:
        """Each sentence's counts, in count order, and the length to record for it.

        Rows with the same ``count`` number are one count (two victims of one offence) and must
        agree on it; unnumbered rows are one count when offence, date and term all agree. A
        sentence whose length columns are empty is recorded with the total its counts' terms come
        to, as the referral pages do, so two consecutive 8-month terms are a 16-month sentence.
        """
        numbered: dict[tuple[Any, ...], dict[int, tuple[Row, CountInput]]] = {}
        unnumbered: dict[tuple[Any, ...], list[CountInput]] = {}
        first_row: dict[tuple[Any, ...], Row] = {}
        for row in self.rows:
            key = row.sentence_key
            first_row.setdefault(key, row)
            if row["count"] is not None:
                seen = numbered.setdefault(key, {}).get(row["count"])
                if seen is None:
                    numbered[key][row["count"]] = (row, row.count)
                elif seen[1] != row.count:
                    self.result.errors.append(
                        RowError(
                            row.number,
                            "count",
                            f"Count {row['count']} differs from row {seen[0].number}: one count has one "
                            "offence, date and term",
                        )
                    )
            elif row.count not in unnumbered.setdefault(key, []):
                unnumbered[key].append(row.count)
        for key, row in first_row.items():
            counts = [c for _, (_, c) in sorted(numbered.get(key, {}).items())] + unnumbered.get(key, [])
            self.counts[key] = counts
            length = (row["sentence_years"], row["sentence_months"], row["sentence_days"])
            total = None if any(length) else counts_total(row["sentence_date"], counts)
            if total is not None:
                length = (total.years or None, total.months or None, total.days or None)
            self.lengths[key] = length

    def run(self) -> None:
        self._check_same_offender()
        failed_rows = {error.row for error in self.result.errors}
        referred: set[tuple[Any, ...]] = set()
        for done, row in enumerate(self.rows, start=1):
            self.on_row(done)
            if row.number in failed_rows:
                continue
            if row.referral_key in referred:
                continue  # another count of a referral already made: its count is on the sentence
            pending = ImportResult(dry_run=self.result.dry_run)
            try:
                with transaction.atomic():
                    cache = self._write(row, pending)
            except _RowFailed as failed:
                self.result.errors.extend(failed.errors)
                continue
            # Remember the row's records only once its savepoint has been kept.
            offender, sentence, victim = cache
            referred.add(row.referral_key)
            self.offenders[row.offender_key] = offender
            self.sentences[row.sentence_key] = sentence
            if row.victim_key:
                self.victims[row.victim_key] = victim
            for name in (
                "offenders_created",
                "offenders_reused",
                "sentences_created",
                "victims_created",
                "victims_reused",
                "cases_created",
            ):
                setattr(self.result, name, getattr(self.result, name) + getattr(pending, name))

    def _check_same_offender(self) -> None:
        """Rows with one PNC number describe one person: their name and date of birth must agree."""
        first: dict[str, Row] = {}
        for row in self.rows:
            seen = first.setdefault(row.offender_key, row)
            for column in ("offender_first_name", "offender_last_name", "offender_date_of_birth"):
                a, b = seen[column], row[column]
                if isinstance(a, str) and isinstance(b, str):
                    a, b = a.casefold(), b.casefold()
                if a != b:
                    self.result.errors.append(
                        RowError(
                            row.number,
                            column,
                            f"Differs from row {seen.number}, which has the same PNC number",
                        )
                    )

    def _write(self, row: Row, tally: ImportResult) -> tuple[Offender, Sentence, Victim]:
        offender = self._offender(row, tally)
        sentence = self._sentence(row, offender, tally)
        victim = self._victim(row, tally)
        _service(
            row,
            CASE_COLUMNS,
            case_create,
            default_column="",
            actor=self.actor,
            victim=victim,
            sentence=sentence,
            officer=row.officer,
            relationship=row["relationship"],
            referral_received_on=row["referral_received_on"],
            relation_to_person_harmed=row["relation_to_person_harmed"],
            discretionary_context=row["discretionary_context"],
            discretionary_context_detail=row["discretionary_context_detail"],
            # A sequence number is never given back, so a dry run takes none (it is rolled back).
            reference=f"DRY-RUN-{row.number}" if self.result.dry_run else "",
        )
        tally.cases_created += 1
        return offender, sentence, victim

    def _offender(self, row: Row, tally: ImportResult) -> Offender:
        if row.offender_key in self.offenders:
            return self.offenders[row.offender_key]
        existing = self._existing_offender(row)
        if existing:
            tally.offenders_reused += 1
            return existing
        tally.offenders_created += 1
        return _service(
            row,
            OFFENDER_COLUMNS,
            offender_create,
            actor=self.actor,
            team=row.officer.team,
            first_name=row["offender_first_name"],
            last_name=row["offender_last_name"],
            date_of_birth=row["offender_date_of_birth"],
            pnc_number=row["pnc_number"],
            prison_number=row["prison_number"],
            crn=row["crn"],
            mappa_level=row["mappa_level"],
            location=row["location"],
            offender_manager_name=row["offender_manager_name"],
            offender_manager_email=row["offender_manager_email"],
            offender_manager_phone=row["offender_manager_phone"],
        )

    def _existing_offender(self, row: Row) -> Offender | None:
        """The offender already recorded: by PNC number, or without one by name and date of birth."""
        if row["pnc_number"]:
            existing = Offender.objects.visible_to(self.actor).filter(pnc_number=row["pnc_number"]).first()
            if existing is None and Offender.objects.filter(pnc_number=row["pnc_number"]).exists():
                raise _RowFailed([RowError(row.number, "pnc_number", PNC_ELSEWHERE_MESSAGE)])
            return existing
        matches = offender_duplicates(
            user=self.actor,
            first_name=row["offender_first_name"],
            last_name=row["offender_last_name"],
            date_of_birth=row["offender_date_of_birth"],
        ).name_matches
        if len(matches) > 1:
            message = (
                f"{len(matches)} offenders you can see have this name and date of birth: "
                "add the PNC number to say which"
            )
            raise _RowFailed([RowError(row.number, "pnc_number", message)])
        return matches[0] if matches else None

    def _sentence(self, row: Row, offender: Offender, tally: ImportResult) -> Sentence:
        if row.sentence_key in self.sentences:
            return self.sentences[row.sentence_key]
        years, months, days = self.lengths[row.sentence_key]
        existing = (
            Sentence.objects.filter(
                offender=offender,
                sentence_type=row["sentence_type"],
                sentence_date=row["sentence_date"],
                court__iexact=row["court"],
                years=years,
                months=months,
                days=days,
            )
            .prefetch_related("counts")
            .first()
        )
        if existing:
            if not any(c.offence_id == row["offence"].pk for c in existing.counts.all()):
                raise _RowFailed(
                    [
                        RowError(
                            row.number,
                            "offence_code",
                            "This sentence is already recorded without this offence: check the offence "
                            "and the sentence details",
                        )
                    ]
                )
            return existing
        tally.sentences_created += 1
        return _service(
            row,
            SENTENCE_COLUMNS,
            sentence_create,
            actor=self.actor,
            offender=offender,
            sentence_type=row["sentence_type"],
            sentence_date=row["sentence_date"],
            court=row["court"],
            counts=self.counts[row.sentence_key],
            years=years,
            months=months,
            days=days,
        )

    def _victim(self, row: Row, tally: ImportResult) -> Victim:
        key = row.victim_key
        if key and key in self.victims:
            return self.victims[key]
        if key:
            matches = victim_duplicates(
                user=self.actor,
                first_name=row["victim_first_name"],
                last_name=row["victim_last_name"],
                date_of_birth=row["victim_date_of_birth"],
            )
            if matches:
                tally.victims_reused += 1
                return matches[0]
        tally.victims_created += 1
        return _service(
            row,
            VICTIM_COLUMNS,
            victim_create,
            actor=self.actor,
            team=row.officer.team,
            first_name=row["victim_first_name"],
            last_name=row["victim_last_name"],
            date_of_birth=row["victim_date_of_birth"],
            address=AddressInput(
                line_1=row["address_line_1"],
                line_2=row["address_line_2"],
                town=row["town"],
                county=row["county"],
                postcode=row["postcode"],
            ),
            phone=row["phone"],
            email=row["email"],
            preferred_channel=row["preferred_channel"],
            language=row["language"],
            accessibility_needs=row["accessibility_needs"],
            safe_times_to_call=row["safe_times_to_call"],
            guardian_first_name=row["guardian_first_name"],
            guardian_last_name=row["guardian_last_name"],
            guardian_relationship=row["guardian_relationship"],
        )


Progress = Callable[[str, int, ImportResult], None]
"""Told ``(phase, rows done in that phase, the result so far)``; phase is "checking" or "applying"."""


def import_referrals(
    *, file: IO[bytes], actor: User, dry_run: bool, progress: Progress | None = None
) -> ImportResult:
    """Check every row and create the referrals in one transaction; on any error, or a dry run, keep nothing.

    ``progress`` is called after each row is checked for shape ("checking", outside any
    transaction) and before each row is written ("applying", inside the import's transaction):
    whoever reports it must do so where a rollback cannot undo it (victims/import_jobs.py).
    Raises ImportFileError when the file as a whole cannot be read.
    """
    if actor.role not in {Role.VLO, Role.MANAGER}:
        raise PermissionError("Only VLOs and managers can import referrals")
    report = progress or (lambda phase, done, result: None)
    header, records = read_rows(file)
    result = ImportResult(dry_run=dry_run, rows=len(records))
    result.errors = header_errors(header)
    if result.errors:
        _audit_unsaved(actor, result)
        return result
    if not records:
        raise ImportFileError("The file has a header but no referrals")
    parser = RowParser(actor=actor, header=header)
    rows: list[Row] = []
    for done, (number, record) in enumerate(records, start=1):
        row, errors = parser.parse(number, record)
        result.errors.extend(errors)
        if row:
            rows.append(row)
        report("checking", done, result)
    result.rows_to_write = len(rows)
    try:
        with transaction.atomic():
            Importer(
                actor=actor, rows=rows, result=result, on_row=lambda done: report("applying", done, result)
            ).run()
            result.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
            if result.errors or dry_run:
                raise _Rollback
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="victims.Case",
                summary=f"referral import: {result.summary()}",
            )
    except _Rollback:
        _audit_unsaved(actor, result)
    return result


def _audit_unsaved(actor: User, result: ImportResult) -> None:
    """A checked but unsaved import still read other teams' records (duplicate checks): audit it."""
    what = "dry run" if result.dry_run and not result.errors else f"rejected with {len(result.errors)} errors"
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="victims.Case",
        summary=f"referral import {what}: {result.rows} rows",
    )
