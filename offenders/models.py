"""Offenders, the offence catalogue, sentences, their events and key dates.

Events and key dates are append-only: a change is a new row, so the timeline
keeps what was known when. Where the offender is held is kept for the VLO's work
and must never reach anything sent to a victim (see ``letters``).
"""

from __future__ import annotations

from datetime import date

import pghistory
import pgtrigger
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vcs_portal.core.models import Team
from vcs_portal.core.prepared import Prepared
from vcs_portal.core.scope import ScopedQuerySet
from vcs_portal.core.search import search_text

from .register import display_name_for

# The eligibility sweep's due work (``EligibilityRecheck``): database triggers queue a sentence
# whenever a fact the rules read changes, however it changed (a service, the admin, an import, a
# bulk update), so the daily sweep re-checks those sentences and not every sentence in the country.
RECHECK_TABLE = "offenders_eligibilityrecheck"
_QUEUE = f"INSERT INTO {RECHECK_TABLE} (sentence_id) VALUES (%s) ON CONFLICT DO NOTHING;"  # noqa: S608


class SexualCondition(models.TextChoices):
    """A condition Schedule 3, Sexual Offences Act 2003 puts on an offence before it leads to notification.

    Ages are the offender's at conviction and the victim's at the offence date; terms are the
    custody passed for the offence. The labels complete "on the register only if ...".
    """

    NONE = "", "no condition"
    OFFENDER_18_OR_12_MONTHS = (
        "offender_18_or_12_months",
        "the offender was 18 or over, or sentenced to at least 12 months",
    )
    OFFENDER_18_AND_2_YEARS = (
        "offender_18_and_2_years",
        "the offender was 18 or over and sentenced to at least 2 years",
    )
    OFFENDER_20 = "offender_20", "the offender was 20 or over"
    OFFENDER_20_VICTIM_UNDER_18 = (
        "offender_20_victim_under_18",
        "the offender was 20 or over and the victim under 18",
    )
    VICTIM_UNDER_18 = "victim_under_18", "the victim was under 18"
    VICTIM_UNDER_18_OR_30_MONTHS = (
        "victim_under_18_or_30_months",
        "the victim was under 18, or the offender was sentenced to at least 30 months "
        "or to a restricted hospital order",
    )
    SENTENCE_12_MONTHS = "sentence_12_months", "the offender was sentenced to at least 12 months"


@pghistory.track(model_name="OffenceHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class Offence(models.Model):
    """An offence in the catalogue, with the flags that decide eligibility (DOMAIN.md s.2)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=255)
    statute = models.CharField(max_length=150)
    section = models.CharField(max_length=30, blank=True)
    specified_violent = models.BooleanField(
        default=False, help_text="Schedule 18 Part 1, Sentencing Act 2020 (was Sch. 15 CJA 2003)."
    )
    specified_sexual = models.BooleanField(
        default=False, help_text="Schedule 18 Part 2, Sentencing Act 2020 (was Sch. 15 CJA 2003)."
    )
    specified_terrorism = models.BooleanField(
        default=False, help_text="Schedule 18 Part 3, Sentencing Act 2020 (was Sch. 15 Part 3 CJA 2003)."
    )
    schedule_15_paragraph = models.CharField(
        max_length=10, blank=True, help_text="Paragraph of Schedule 15, Criminal Justice Act 2003, e.g. 48A."
    )
    schedule_18_paragraph = models.CharField(
        max_length=10,
        blank=True,
        help_text="Paragraph of Schedule 18, Sentencing Act 2020, where verified, e.g. 4(c).",
    )
    sex_offender_notification = models.BooleanField(
        default=False, help_text="Schedule 3, Sexual Offences Act 2003 (notification)."
    )
    sexual_paragraph = models.CharField(
        max_length=10,
        blank=True,
        help_text="Paragraph of Schedule 3, Sexual Offences Act 2003, where verified.",
    )
    sexual_condition = models.CharField(
        max_length=40,
        choices=SexualCondition.choices,
        blank=True,
        help_text="The Schedule 3 condition, if any, before the offence leads to notification.",
    )
    against_child = models.BooleanField(
        default=False,
        help_text="Schedule 4 para 1, Criminal Justice and Court Services Act 2000: whoever the victim.",
    )
    victim_child_route = models.BooleanField(
        default=False,
        help_text=(
            "Schedule 4 paras 2-3, CJCSA 2000: an offence against a child when the victim was under 18."
        ),
    )
    child_paragraph = models.CharField(
        max_length=20, blank=True, help_text="Paragraph of Schedule 4, CJCSA 2000, e.g. 1(m) or 3(s)."
    )
    in_force_from = models.DateField(
        null=True,
        blank=True,
        help_text="When the offence came into force, where that matters to a recorded date.",
    )
    murder = models.BooleanField(default=False, help_text="Named on its own in s.45 DVCVA 2004.")
    homicide = models.BooleanField(default=False, help_text="Someone died: the bereaved family are victims.")
    domestic_abuse = models.BooleanField(default=False, help_text="Discretionary context.")
    stalking_harassment = models.BooleanField(default=False, help_text="Discretionary context.")
    hate_crime = models.BooleanField(default=False, help_text="Discretionary context.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        triggers = [
            pgtrigger.Trigger(
                name="offence_eligibility_recheck",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(),
                # A changed entry (its schedules, its in-force dates) re-checks every sentence with it;
                # a new entry changes nothing until a count names it, and the count queues its sentence.
                func=(
                    f"INSERT INTO {RECHECK_TABLE} (sentence_id) SELECT DISTINCT sentence_id "  # noqa: S608
                    "FROM offenders_sentenceoffence WHERE offence_id = NEW.id "
                    "ON CONFLICT DO NOTHING; RETURN NULL;"
                ),
            )
        ]

    def __str__(self) -> str:
        ref = f"{self.statute} {self.section}".strip()
        return f"{self.title} ({ref})"

    @property
    def is_sexual_or_violent(self) -> bool:
        """Whether the offence is sexual or violent under s.45 DVCVA 2004 whoever the parties and sentence.

        Offences that qualify only on a condition (a Schedule 3 threshold, a victim under 18) are
        not: ``offenders.eligibility.assess`` weighs those per sentence.
        """
        return (
            self.murder
            or self.specified_violent
            or self.specified_sexual
            or self.specified_terrorism
            or (self.sex_offender_notification and not self.sexual_condition)
            or self.against_child
        )

    @property
    def discretionary_context(self) -> bool:
        return self.domestic_abuse or self.stalking_harassment or self.hate_crime


class EstablishmentKind(models.TextChoices):
    PRISON = "prison", "Prison"
    YOI = "yoi", "Young offender institution"
    STC = "stc", "Secure training centre"
    HOSPITAL = "hospital", "Secure hospital"


class Establishment(models.Model):
    """A prison, YOI, secure training centre or secure hospital in England and Wales (the register).

    Reference data (``offenders/register.py``), kept by admins. The offender's location and each
    event's location are chosen from it, and no letter may name any establishment in any of the
    forms ``register.forms_for`` lists.
    """

    code = models.CharField(
        max_length=12, unique=True, help_text="The HMPPS prison code (e.g. CFI), or our own for a hospital."
    )
    name = models.CharField(max_length=100, help_text="The short name, e.g. Cardiff, or Broadmoor Hospital.")
    kind = models.CharField(max_length=10, choices=EstablishmentKind.choices)
    welsh_name = models.CharField(max_length=150, blank=True, help_text="E.g. Carchar Caerdydd.")
    common_forms = models.TextField(
        blank=True,
        help_text=(
            "Other names it goes by, one a line (e.g. Strangeways). The usual forms (HMP Cardiff, "
            "H.M.P. Cardiff, Cardiff prison, HM Prison Cardiff) are known without listing them."
        ),
    )
    is_active = models.BooleanField(default=True, help_text="Untick for a closed establishment.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "kind"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name_for(self.name, self.kind)


class MappaLevel(models.TextChoices):
    NONE = "", "Not MAPPA managed"
    LEVEL_1 = "1", "Level 1"
    LEVEL_2 = "2", "Level 2"
    LEVEL_3 = "3", "Level 3"


class OffenderQuerySet(ScopedQuerySet):
    scope_team = "team"


@pghistory.track(model_name="OffenderHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class Offender(models.Model):
    """A person serving a sentence whose victims the scheme contacts."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="offenders")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    pnc_number = models.CharField("PNC number", max_length=20, blank=True)
    prison_number = models.CharField(max_length=20, blank=True)
    crn = models.CharField("CRN", max_length=20, blank=True, help_text="Case reference number (nDelius).")
    mappa_level = models.CharField("MAPPA level", max_length=1, choices=MappaLevel.choices, blank=True)
    location = models.CharField(
        "where held",
        max_length=150,
        blank=True,
        help_text="Prison or hospital. For the VLO only: never shown to a victim.",
    )
    offender_manager_name = models.CharField(max_length=150, blank=True)
    offender_manager_email = models.EmailField(blank=True)
    offender_manager_phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = OffenderQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pnc_number"], condition=~Q(pnc_number=""), name="offender_unique_pnc"
            )
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name", "date_of_birth"], name="offender_name_dob_idx"),
            # Case search (victims.selectors.case_search): partial, accent-blind names; prison numbers.
            GinIndex(
                OpClass(search_text("first_name", "last_name"), name="gin_trgm_ops"),
                name="offender_name_trgm_idx",
            ),
            models.Index(
                fields=["prison_number"], condition=~Q(prison_number=""), name="offender_prison_number_idx"
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="offender_eligibility_recheck",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__date_of_birth__df=pgtrigger.F("new__date_of_birth")),
                func=(
                    f"INSERT INTO {RECHECK_TABLE} (sentence_id) SELECT id FROM offenders_sentence "  # noqa: S608
                    "WHERE offender_id = NEW.id ON CONFLICT DO NOTHING; RETURN NULL;"
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def security_category(self) -> SecurityCategoryChange | None:
        """The newest category change (the case page reads it each time: SQL compiled once)."""
        return _newest_category.first(self.pk)


class OffenderAlias(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "offender aliases"
        indexes = [
            GinIndex(
                OpClass(search_text("first_name", "last_name"), name="gin_trgm_ops"),
                name="alias_name_trgm_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class SecurityCategory(models.TextChoices):
    A = "A", "Category A"
    B = "B", "Category B"
    C = "C", "Category C"
    D = "D", "Category D (open)"
    RESTRICTED = "R", "Restricted status"
    CLOSED = "CL", "Closed (women's estate)"
    OPEN = "OP", "Open (women's estate)"
    YOI_CLOSED = "YC", "Young offender, closed"
    YOI_OPEN = "YO", "Young offender, open"
    HOSPITAL = "H", "Hospital (not categorised)"


class SecurityCategoryChange(models.Model):
    """One entry in the offender's security-category history (never overwritten)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="category_changes")
    category = models.CharField(max_length=2, choices=SecurityCategory.choices)
    effective_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} from {self.effective_on:%-d %B %Y}"


class SentenceType(models.TextChoices):
    DETERMINATE = "determinate", "Determinate custody"
    EXTENDED = "extended", "Extended determinate sentence"
    SOPC = "sopc", "Special custodial sentence for offenders of particular concern"
    LIFE = "life", "Life sentence"
    IPP = "ipp", "Imprisonment for public protection (IPP)"
    DETENTION_YOUNG = "detention_young", "Detention of a young offender"
    DETENTION_PLEASURE = "detention_pleasure", "Detention at His Majesty's pleasure"
    SUSPENDED = "suspended", "Suspended sentence"
    COMMUNITY = "community", "Community order"
    HOSPITAL_S37 = "s37", "Hospital order (s37 MHA 1983)"
    HOSPITAL_S37_41 = "s37_41", "Restricted hospital order (s37/41 MHA 1983)"
    HOSPITAL_S45A = "s45a", "Hospital and limitation direction (s45A MHA 1983)"
    TRANSFER_S47_49 = "s47_49", "Transfer from prison to hospital (s47/49 MHA 1983)"


INDETERMINATE_TYPES = {SentenceType.LIFE, SentenceType.IPP, SentenceType.DETENTION_PLEASURE}
HOSPITAL_TYPES = {
    SentenceType.HOSPITAL_S37,
    SentenceType.HOSPITAL_S37_41,
    SentenceType.HOSPITAL_S45A,
    SentenceType.TRANSFER_S47_49,
}
RESTRICTED_HOSPITAL_TYPES = {
    SentenceType.HOSPITAL_S37_41,
    SentenceType.HOSPITAL_S45A,
    SentenceType.TRANSFER_S47_49,
}
NON_CUSTODIAL_TYPES = {SentenceType.SUSPENDED, SentenceType.COMMUNITY}
# Types that need a length: every custodial sentence that is neither indeterminate nor a hospital order.
LENGTH_REQUIRED_TYPES = set(SentenceType) - INDETERMINATE_TYPES - HOSPITAL_TYPES


class Term(models.Model):
    """A length in years, months and days (abstract)."""

    years = models.PositiveSmallIntegerField(null=True, blank=True)
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def has_term(self) -> bool:
        return any(v for v in (self.years, self.months, self.days))

    @property
    def term(self) -> relativedelta:
        return relativedelta(years=self.years or 0, months=self.months or 0, days=self.days or 0)

    @property
    def term_display(self) -> str:
        parts = []
        for value, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if value:
                parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
        return ", ".join(parts)


class SentenceQuerySet(ScopedQuerySet):
    scope_team = "offender__team"


@pghistory.track(model_name="SentenceHistory", obj_field=pghistory.ObjForeignKey(related_name="history"))
class Sentence(Term):
    """A sentence or order passed on an offender, with its offences."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="sentences")
    sentence_type = models.CharField(max_length=20, choices=SentenceType.choices)
    sentence_date = models.DateField()
    court = models.CharField(max_length=150)
    tariff_years = models.PositiveSmallIntegerField(null=True, blank=True)
    tariff_months = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SentenceQuerySet.as_manager()

    class Meta:
        ordering = ["-sentence_date", "-pk"]
        triggers = [
            pgtrigger.Trigger(
                name="sentence_eligibility_recheck",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=_QUEUE % "NEW.id" + " RETURN NULL;",
            )
        ]

    def __str__(self) -> str:
        length = "" if self.is_indeterminate or not self.has_term else f", {self.term_display}"
        return f"{self.get_sentence_type_display()}{length}, {self.sentence_date:%-d %B %Y}"

    @property
    def is_indeterminate(self) -> bool:
        return self.sentence_type in INDETERMINATE_TYPES

    @property
    def is_hospital(self) -> bool:
        return self.sentence_type in HOSPITAL_TYPES

    @property
    def is_restricted_hospital(self) -> bool:
        return self.sentence_type in RESTRICTED_HOSPITAL_TYPES


class Concurrency(models.TextChoices):
    CONCURRENT = "concurrent", "Concurrent"
    CONSECUTIVE = "consecutive", "Consecutive"


class SentenceOffence(Term):
    """One count: an offence sentenced, with its own term where the court gave one."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="counts")
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, related_name="+")
    offence_date = models.DateField(null=True, blank=True)
    concurrency = models.CharField(max_length=12, choices=Concurrency.choices, default=Concurrency.CONCURRENT)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        triggers = [
            pgtrigger.Trigger(
                name="count_eligibility_recheck",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                # A count moved to another sentence changes both; a deleted one, its old sentence.
                func=(
                    f"IF TG_OP <> 'DELETE' THEN {_QUEUE % 'NEW.sentence_id'} END IF; "
                    f"IF TG_OP <> 'INSERT' THEN {_QUEUE % 'OLD.sentence_id'} END IF; "
                    "RETURN NULL;"
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.offence)


class EventKind(models.TextChoices):
    SENTENCED = "sentenced", "Sentenced"
    APPEAL = "appeal", "Appeal"
    TRANSFER = "transfer", "Transfer"
    RECATEGORISATION = "recategorisation", "Recategorisation"
    OPEN_CONDITIONS = "open_conditions", "Moved to open conditions"
    ROTL = "rotl", "Release on temporary licence (ROTL)"
    HDC = "hdc", "Home detention curfew (HDC)"
    PAROLE_ELIGIBILITY = "parole_eligibility", "Parole eligibility"
    PAROLE_HEARING = "parole_hearing", "Parole hearing"
    RELEASE = "release", "Release on licence"
    RECALL = "recall", "Recall"
    LICENCE_END = "licence_end", "Licence end"
    SENTENCE_END = "sentence_end", "Sentence end"
    HOSPITAL_LEAVE = "hospital_leave", "Hospital leave"
    HOSPITAL_TRANSFER = "hospital_transfer", "Hospital transfer"
    TRIBUNAL = "tribunal", "Mental Health Tribunal"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
    DEATH = "death", "Death"
    DEPORTATION = "deportation", "Deportation"


class SentenceEventQuerySet(ScopedQuerySet):
    scope_team = "sentence__offender__team"


class SentenceEvent(models.Model):
    """Something that happened in the sentence. Append-only; a correction points to what it corrects."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=25, choices=EventKind.choices)
    occurred_on = models.DateField()
    detail = models.TextField(blank=True)
    location = models.CharField(
        max_length=150, blank=True, help_text="Where held after the event. Never shown to victims."
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SentenceEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["sentence", "-occurred_on"], name="event_sentence_idx"),
            # The sweeps' dates ahead (parole hearings within the re-offer window).
            models.Index(fields=["kind", "occurred_on"], name="event_kind_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%-d %B %Y}"


class KeyDateKind(models.TextChoices):
    PED = "ped", "Parole eligibility date (PED)"
    CRD = "crd", "Conditional release date (CRD)"
    LED = "led", "Licence expiry date (LED)"
    SED = "sed", "Sentence expiry date (SED)"
    TARIFF = "tariff", "Tariff expiry date"
    HDCED = "hdced", "HDC eligibility date"


class KeyDate(models.Model):
    """A key date as recorded at a moment, with its source. The newest per kind is current."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="key_dates")
    kind = models.CharField(max_length=10, choices=KeyDateKind.choices)
    date = models.DateField()
    source = models.CharField(max_length=150, help_text="Where the date came from, e.g. prison calculation.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["kind", "date"], name="keydate_kind_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.date:%-d %B %Y}"


class Eligibility(models.TextChoices):
    STATUTORY = "statutory", "Statutory"
    DISCRETIONARY = "discretionary", "Discretionary candidate"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    # A condition of the law turns on a fact not recorded (a date of birth): a person must answer it.
    NEEDS_REVIEW = "needs_review", "Needs review"


class EligibilityAssessment(models.Model):
    """The outcome of the eligibility rules for a sentence on a day, with the reasons."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="assessments")
    outcome = models.CharField(max_length=15, choices=Eligibility.choices)
    rule = models.CharField(max_length=60, help_text="The rule that decided the outcome.")
    reasons = models.JSONField(default=list)
    assessed_on = models.DateField(default=date.today)
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = "assessed_at"
        indexes = [models.Index(fields=["sentence", "-assessed_at"], name="assessment_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.rule})"


class EligibilitySweep(models.Model):
    """The daily summary of the eligibility sweep; one per day, so a re-run is a no-op."""

    run_on = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    sentences_checked = models.PositiveIntegerField(default=0)
    statutory = models.PositiveIntegerField(default=0)
    discretionary = models.PositiveIntegerField(default=0)
    not_eligible = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    flagged_for_review = models.PositiveIntegerField(default=0)
    whole = models.BooleanField(
        "every sentence",
        default=False,
        help_text="Checked every sentence (the first sweep, or the rules changed), not only those queued.",
    )
    rules_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="The rules and the settings this sweep applied."
    )

    class Meta:
        ordering = ["-run_on"]

    def __str__(self) -> str:
        return f"Eligibility sweep {self.run_on}"


class EligibilityRecheck(models.Model):
    """A sentence whose facts changed since the eligibility sweep last read them: the sweep's due work.

    Written only by the database triggers on sentences, counts and offenders' dates of birth
    (``RECHECK_TABLE``); the sweep deletes a row in the transaction that re-checks its sentence,
    so a change committed while the sweep runs queues the sentence again for the next day. No
    foreign key: a deleted sentence's row is dropped by the sweep that finds it gone.
    """

    sentence_id = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = RECHECK_TABLE

    def __str__(self) -> str:
        return f"Re-check sentence {self.sentence_id}"


_newest_category: Prepared[SecurityCategoryChange] = Prepared(
    lambda offender_id: SecurityCategoryChange.objects.filter(offender_id=offender_id).order_by(
        "-effective_on", "-pk"
    )[:1]
)
