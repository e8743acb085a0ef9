"""The referral wizard's question pages and the bulk import upload form.

Forms check shape: required answers, real dates, dates not in the future, a sentence not
before its offence, a length where the sentence type needs one. The services check the rules
again when the case is created, and any message they raise is shown on the same field here,
which is why the fields carry the services' argument names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Fixed, Fluid, Size
from crispy_forms_gds.widgets import DateInputWidget
from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from offenders.models import (
    LENGTH_REQUIRED_TYPES,
    Concurrency,
    MappaLevel,
    Offence,
    Offender,
    Sentence,
    SentenceType,
)
from offenders.selectors import establishment_choices
from offenders.services import CountInput, normalise_pnc
from vcs_portal.core.forms import gds_helper
from vcs_portal.core.models import User
from vcs_portal.core.pages import govuk_date

from .models import Channel, Language, Relationship, Victim
from .referrals import PNC_PATTERN, POSTCODE_PATTERN, case_for, officers_for
from .services import AddressInput

NEW = "new"


# --- fields ---------------------------------------------------------------------------


class GovUKDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) with the Design System's error messages.

    ``noun`` names the date in messages ("date of birth" gives "Enter the date of birth",
    "Date of birth must include a month", "Date of birth must be a real date"). ``past``
    requires a date before today; ``not_future`` allows today.
    """

    widget = DateInputWidget

    def __init__(self, *, noun: str, past: bool = False, not_future: bool = False, **kwargs: Any) -> None:
        self.noun = noun
        self.past = past
        self.not_future = not_future
        parts = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> None:  # clean() does the work
        return None

    def _fail(self, message: str, parts: tuple[int, ...] = ()) -> ValidationError:
        # crispy-forms-gds marks only the parts whose widget carries the message (all if none do).
        for index in parts:
            self.fields[index].widget.errors = [message]
        return ValidationError(message)

    def clean(self, value: Any) -> date | None:
        for part in self.fields:
            part.widget.errors = []
        values = [str(v or "").strip() for v in (value or ["", "", ""])][:3]
        values += [""] * (3 - len(values))
        noun = self.noun[0].upper() + self.noun[1:]
        if not any(values):
            if self.required:
                raise self._fail(f"Enter the {self.noun}")
            return None
        missing = [i for i, v in enumerate(values) if not v]
        if missing:
            names = " and ".join(("day", "month", "year")[i] for i in missing)
            raise self._fail(f"{noun} must include a {names}", tuple(missing))
        if not all(v.isdigit() for v in values):
            raise self._fail(
                f"{noun} must be a real date", tuple(i for i, v in enumerate(values) if not v.isdigit())
            )
        if len(values[2]) != 4:
            raise self._fail("Year must include 4 numbers", (2,))
        try:
            day = date(int(values[2]), int(values[1]), int(values[0]))
        except ValueError:
            raise self._fail(f"{noun} must be a real date") from None
        today = timezone.localdate()
        if self.past and day >= today:
            raise self._fail(f"{noun} must be in the past")
        if self.not_future and day > today:
            raise self._fail(f"{noun} must be today or in the past")
        return day


def _text(
    label: str, *, required: bool = True, max_length: int = 100, message: str = "", **kw: Any
) -> forms.CharField:
    errors = {"required": message or f"Enter the {label.lower()}"}
    errors["max_length"] = f"{label} must be {max_length} characters or fewer"
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        required=required,
        max_length=max_length,
        error_messages=errors,
        **kw,
    )


def _length(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=999,
        error_messages={
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 999 or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )


def _length_row(prefix: str, legend: str, hint: str) -> Fieldset:
    """Years, months and days side by side, like a date input."""
    names = [f"{prefix}years", f"{prefix}months", f"{prefix}days"]
    return Fieldset(
        HTML(format_html('<div class="govuk-hint">{}</div>', hint)),
        Div(
            *(
                Div(Field.text(name, field_width=Fixed.THREE), css_class="govuk-date-input__item")
                for name in names
            ),
            css_class="govuk-date-input",
        ),
        legend=legend,
        legend_size=Size.SMALL,
        css_class="govuk-!-margin-bottom-6",
    )


def _term_text(years: int | None, months: int | None, days: int | None) -> str:
    parts = []
    for value, unit in ((years, "year"), (months, "month"), (days, "day")):
        if value:
            parts.append(f"{value} {unit}{'' if value == 1 else 's'}")
    return ", ".join(parts)


# --- the base of every question page -------------------------------------------------


class StepForm(forms.Form):
    """A question page's form: a crispy GOV.UK layout and a summary for "Check your answers"."""

    button = "Continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(*self.layout(), button=self.button)
        self.helper.form_tag = False

    def layout(self) -> list[Any]:
        return [Field.text(name) for name in self.fields]

    def summary(self) -> list[dict[str, Any]]:
        """Rows for a summary list: key, value (lines), and the field the Change link goes to."""
        return []

    def display(self, name: str) -> str:
        value = self.cleaned_data.get(name)
        bound = self[name]
        if value in (None, ""):
            return ""
        if isinstance(value, date):
            return govuk_date(value)
        choices = getattr(bound.field, "choices", None)
        if choices and not isinstance(bound.field, forms.ModelChoiceField):
            return str(dict((str(k), v) for k, v in choices).get(str(value), value))
        return str(value)

    # Short keys for "Check your answers" where a question reads badly as a key.
    summary_keys: dict[str, str] = {}

    def rows(self, *names: str) -> list[dict[str, Any]]:
        return [
            {
                "key": self.summary_keys.get(name) or self[name].label.removesuffix(" (optional)"),
                "lines": [self.display(name)],
                "field": name,
            }
            for name in names
        ]


# --- officer (managers only) ------------------------------------------------------------


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.team.name})" if obj.team_id else obj.get_full_name()


class OfficerForm(StepForm):
    officer = OfficerChoiceField(
        queryset=User.objects.none(),
        label="Which VLO will hold the case?",
        help_text="The case goes on their caseload. You can only choose VLOs in the teams you manage.",
        empty_label="Choose a VLO",
        error_messages={
            "required": "Choose the VLO who will hold the case",
            "invalid_choice": "Choose a VLO from the list",
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_for(user).order_by("last_name", "first_name")

    def layout(self) -> list[Any]:
        return [Field("officer", context={"label_tag": "h1", "label_size": "govuk-label--l"})]

    summary_keys = {"officer": "VLO holding the case"}

    def summary(self) -> list[dict[str, Any]]:
        return self.rows("officer")


# --- offender ------------------------------------------------------------------------------


class OffenderForm(StepForm):
    first_name = _text("First name", message="Enter the offender's first name")
    last_name = _text("Last name", message="Enter the offender's last name")
    date_of_birth = GovUKDateField(
        label="Date of birth", noun="date of birth", past=True, help_text="For example, 27 3 1985"
    )
    pnc_number = _text(
        "PNC number",
        required=False,
        max_length=20,
        help_text="Police National Computer number, for example 85/1234567A",
    )
    prison_number = _text("Prison number", required=False, max_length=20, help_text="For example, A1234BC")
    crn = _text(
        "Case reference number (CRN)",
        required=False,
        max_length=20,
        help_text="The nDelius CRN, for example X123456",
    )
    location = forms.ChoiceField(
        label="Where the offender is held (optional)",
        required=False,
        choices=establishment_choices,
        help_text="The prison or hospital, never shown to a victim. Not listed? Ask an admin to add it.",
        error_messages={"invalid_choice": "Choose a prison or hospital from the list"},
    )
    mappa_level = forms.ChoiceField(
        label="MAPPA level (optional)",
        required=False,
        choices=[
            Choice(MappaLevel.LEVEL_1.value, MappaLevel.LEVEL_1.label),
            Choice(MappaLevel.LEVEL_2.value, MappaLevel.LEVEL_2.label),
            Choice(MappaLevel.LEVEL_3.value, MappaLevel.LEVEL_3.label, divider="or"),
            Choice("", "Not MAPPA managed, or not known"),
        ],
        widget=forms.RadioSelect,
    )
    offender_manager_name = _text("Name", required=False, max_length=150)
    offender_manager_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.gov.uk"},
    )
    offender_manager_phone = _text("Phone number", required=False, max_length=30)

    def layout(self) -> list[Any]:
        return [
            Field.text("first_name", field_width=Fluid.TWO_THIRDS),
            Field.text("last_name", field_width=Fluid.TWO_THIRDS),
            Field("date_of_birth", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.text("pnc_number", field_width=Fixed.TEN, spellcheck="false"),
            Field.text("prison_number", field_width=Fixed.TEN, spellcheck="false"),
            Field.text("crn", field_width=Fixed.TEN, spellcheck="false"),
            Field.select("location"),
            Field.radios("mappa_level", legend_size=Size.SMALL, small=True),
            Fieldset(
                HTML('<div class="govuk-hint">Who supervises the offender in the Probation Service.</div>'),
                Field.text("offender_manager_name", field_width=Fluid.TWO_THIRDS),
                Field.text(
                    "offender_manager_email",
                    field_width=Fluid.TWO_THIRDS,
                    autocomplete="off",
                    spellcheck="false",
                ),
                Field.text("offender_manager_phone", field_width=Fixed.TWENTY, autocomplete="off"),
                legend="Offender manager",
                legend_size=Size.MEDIUM,
            ),
        ]

    def clean_pnc_number(self) -> str:
        pnc = normalise_pnc(self.cleaned_data["pnc_number"])
        if pnc and not PNC_PATTERN.match(pnc):
            raise ValidationError("Enter a PNC number in the correct format, like 85/1234567A")
        return pnc

    def clean_prison_number(self) -> str:
        return "".join(self.cleaned_data["prison_number"].split()).upper()

    def clean_crn(self) -> str:
        return "".join(self.cleaned_data["crn"].split()).upper()

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}

    def summary(self) -> list[dict[str, Any]]:
        rows = self.rows(
            "first_name",
            "last_name",
            "date_of_birth",
            "pnc_number",
            "prison_number",
            "crn",
            "location",
            "mappa_level",
        )
        rows[-1]["lines"] = [self.display("mappa_level") or "Not MAPPA managed, or not known"]
        manager = [
            self.display(n)
            for n in ("offender_manager_name", "offender_manager_email", "offender_manager_phone")
        ]
        rows.append(
            {
                "key": "Offender manager",
                "lines": [line for line in manager if line],
                "field": "offender_manager_name",
            }
        )
        return rows


def offender_hint(offender: Offender) -> str:
    parts = [
        f"Born {govuk_date(offender.date_of_birth)}"
        if offender.date_of_birth
        else "Date of birth not recorded"
    ]
    if offender.pnc_number:
        parts.append(f"PNC {offender.pnc_number}")
    if offender.prison_number:
        parts.append(f"prison number {offender.prison_number}")
    parts.append(f"recorded by {offender.team.name}")
    return ", ".join(parts)


class OffenderMatchForm(StepForm):
    """Use a matching record, or (unless the PNC number matched) record a new offender."""

    offender = forms.ChoiceField(
        label="Is this the same offender?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to use an existing record or record a new offender"},
    )

    def __init__(
        self, *args: Any, matches: list[Offender], pnc_match: Offender | None, **kwargs: Any
    ) -> None:
        self.pnc_match = pnc_match
        super().__init__(*args, **kwargs)
        if pnc_match:
            self.fields["offender"].choices = [(str(pnc_match.pk), pnc_match.full_name)]
            self.fields["offender"].widget = forms.HiddenInput()
            self.fields["offender"].initial = str(pnc_match.pk)
            self.helper = gds_helper(Field("offender"), button="Use this offender")
            self.helper.form_tag = False
        else:
            choices: list[Choice] = [
                Choice(str(o.pk), f"Yes, use {o.full_name}", hint=offender_hint(o)) for o in matches
            ]
            if choices:
                choices[-1].divider = "or"
            choices.append(Choice(NEW, "No, record a new offender"))
            self.fields["offender"].choices = choices

    def layout(self) -> list[Any]:
        return [Field.radios("offender", legend_size=Size.MEDIUM)]


# --- sentence --------------------------------------------------------------------------


class OffenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offence) -> str:
        return str(obj)


def _offence_field(label: str, required: bool = True) -> OffenceChoiceField:
    return OffenceChoiceField(
        queryset=Offence.objects.filter(is_active=True).order_by("title"),
        to_field_name="code",
        label=label,
        required=required,
        empty_label="Choose an offence",
        error_messages={
            "required": "Choose the offence from the catalogue",
            "invalid_choice": "Choose an offence from the catalogue: that offence is not in it",
        },
    )


class ExistingSentenceForm(StepForm):
    sentence = forms.ChoiceField(
        label="Which sentence is this referral about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a sentence, or record a new one"},
    )

    def __init__(self, *args: Any, sentences: list[Sentence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            Choice(
                str(s.pk),
                str(s),
                hint=f"{', '.join(c.offence.title for c in s.counts.all())}. {s.court}.",
            )
            for s in sentences
        ]
        if choices:
            choices[-1].divider = "or"
        choices.append(Choice(NEW, "A new sentence"))
        self.fields["sentence"].choices = choices

    def layout(self) -> list[Any]:
        return [Field.radios("sentence", legend_size=Size.LARGE, legend_tag="h1")]


class SentenceForm(StepForm):
    summary_keys = {"sentence_type": "Type of sentence"}
    offence = _offence_field("Offence")
    offence_date = GovUKDateField(
        label="Date of the offence (optional)",
        noun="date of the offence",
        not_future=True,
        required=False,
        help_text="If the offence happened over a period, enter the first day. For example, 27 3 2025",
    )
    sentence_type = forms.ChoiceField(
        label="Type of sentence or order",
        choices=SentenceType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of sentence or order"},
    )
    sentence_date = GovUKDateField(
        label="Date of sentence", noun="date of sentence", not_future=True, help_text="For example, 26 3 2026"
    )
    court = _text(
        "Court",
        max_length=150,
        message="Enter the court that passed the sentence",
        help_text="For example, Manchester Crown Court",
    )
    years = _length("Years")
    months = _length("Months")
    days = _length("Days")
    offence_2 = _offence_field("Offence", required=False)
    offence_2_date = GovUKDateField(
        label="Date of the offence (optional)",
        noun="date of the second offence",
        not_future=True,
        required=False,
    )
    offence_2_concurrency = forms.ChoiceField(
        label="Does its term run at the same time as the first?",
        required=False,
        choices=[
            Choice(
                Concurrency.CONCURRENT.value,
                "Concurrent",
                hint="At the same time as the first offence's term",
            ),
            Choice(Concurrency.CONSECUTIVE.value, "Consecutive", hint="After the first offence's term ends"),
        ],
        widget=forms.RadioSelect,
    )
    offence_2_years = _length("Years")
    offence_2_months = _length("Months")
    offence_2_days = _length("Days")

    SECOND = (
        "offence_2",
        "offence_2_date",
        "offence_2_concurrency",
        "offence_2_years",
        "offence_2_months",
        "offence_2_days",
    )

    def layout(self) -> list[Any]:
        has_second = self.is_bound and any(
            self.data.get(name) for name in ("offence_2", "offence_2_years", "offence_2_months")
        )
        has_second = has_second or (self.is_bound and any(n in self.errors for n in self.SECOND))
        return [
            Field.select("offence", css_class="govuk-!-width-full"),
            Field("offence_date", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("sentence_type", legend_size=Size.SMALL, small=True),
            Field("sentence_date", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.text("court", field_width=Fluid.TWO_THIRDS),
            _length_row(
                "",
                "Length of sentence",
                "The term the court passed. Leave blank for a life sentence, IPP, detention at His Majesty's "
                "pleasure or a hospital order.",
            ),
            HTML(
                f'<details class="govuk-details"{" open" if has_second else ""}>'
                '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
                "Add a second offence (optional)</span></summary>"
                '<div class="govuk-details__text">'
                '<p class="govuk-body">If the offender was sentenced for another offence at the same time, '
                "enter it here. The length above is then the term for the first offence.</p>"
            ),
            Field.select("offence_2", css_class="govuk-!-width-full"),
            Field("offence_2_date", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("offence_2_concurrency", legend_size=Size.SMALL, small=True),
            _length_row(
                "offence_2_",
                "Length for this offence (optional)",
                "Leave blank if the court gave no separate penalty.",
            ),
            HTML("</div></details>"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        sentence_date = data.get("sentence_date")
        for name in ("offence_date", "offence_2_date"):
            offence_date = data.get(name)
            if sentence_date and offence_date and sentence_date < offence_date:
                self.add_error(
                    "sentence_date",
                    f"The sentence date must be on or after the offence date ({govuk_date(offence_date)})",
                )
                break
        if data.get("sentence_type") in LENGTH_REQUIRED_TYPES and not any(
            data.get(n) for n in ("years", "months", "days")
        ):
            self.add_error("years", "Enter the length of the sentence in years, months or days")
        second_given = any(data.get(n) for n in self.SECOND if n != "offence_2")
        if second_given and not data.get("offence_2") and "offence_2" not in self.errors:
            self.add_error("offence_2", "Choose the second offence, or clear its other answers")
        if data.get("offence_2") and not data.get("offence_2_concurrency"):
            self.add_error(
                "offence_2_concurrency",
                "Choose whether the second offence's term is concurrent or consecutive",
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        """Sentence arguments; with a second offence the sentence's length is the aggregate term."""
        data = self.cleaned_data
        years, months, days = data["years"], data["months"], data["days"]
        if data.get("offence_2"):
            first = relativedelta(years=years or 0, months=months or 0, days=days or 0)
            second = relativedelta(
                years=data["offence_2_years"] or 0,
                months=data["offence_2_months"] or 0,
                days=data["offence_2_days"] or 0,
            )
            start = data["sentence_date"]
            second_start = (
                start + first if data["offence_2_concurrency"] == Concurrency.CONSECUTIVE else start
            )
            total = relativedelta(max(start + first, second_start + second), start)
            if any((total.years, total.months, total.days)):
                years, months, days = total.years or None, total.months or None, total.days or None
        return {
            "sentence_type": data["sentence_type"],
            "sentence_date": data["sentence_date"],
            "court": data["court"],
            "years": years,
            "months": months,
            "days": days,
        }

    def counts(self) -> list[CountInput]:
        data = self.cleaned_data
        if not data.get("offence_2"):
            return [CountInput(offence=data["offence"], offence_date=data["offence_date"])]
        return [
            CountInput(
                offence=data["offence"],
                offence_date=data["offence_date"],
                years=data["years"],
                months=data["months"],
                days=data["days"],
            ),
            CountInput(
                offence=data["offence_2"],
                offence_date=data["offence_2_date"],
                years=data["offence_2_years"],
                months=data["offence_2_months"],
                days=data["offence_2_days"],
                concurrency=data["offence_2_concurrency"],
            ),
        ]

    def summary(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rows = self.rows("offence", "offence_date", "sentence_type", "sentence_date", "court")
        length = _term_text(data["years"], data["months"], data["days"])
        rows.append({"key": "Length of sentence", "lines": [length], "field": "years"})
        if data.get("offence_2"):
            term = _term_text(data["offence_2_years"], data["offence_2_months"], data["offence_2_days"])
            lines = [
                str(data["offence_2"]),
                f"Committed {govuk_date(data['offence_2_date'])}" if data["offence_2_date"] else "",
                f"{term or 'No separate penalty'}, {self.display('offence_2_concurrency').lower()}",
            ]
            rows.append(
                {"key": "Second offence", "lines": [line for line in lines if line], "field": "offence_2"}
            )
        return rows


# --- victim ------------------------------------------------------------------------------


class VictimForm(StepForm):
    summary_keys = {
        "preferred_channel": "Contact by",
        "language": "Language for letters",
        "referral_received_on": "Referral received",
    }
    first_name = _text("First name", message="Enter the victim's first name")
    last_name = _text("Last name", message="Enter the victim's last name")
    date_of_birth = GovUKDateField(
        label="Date of birth (optional)",
        noun="date of birth",
        past=True,
        required=False,
        help_text="We need it for a victim under 18. For example, 14 2 1990",
    )
    relationship = forms.ChoiceField(
        label="Relationship to the offence",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the victim's relationship to the offence"},
    )
    guardian_first_name = _text("First name", required=False)
    guardian_last_name = _text("Last name", required=False)
    guardian_relationship = _text(
        "Relationship to the victim", required=False, max_length=50, help_text="For example, mother"
    )
    line_1 = _text(
        "Address line 1", max_length=150, message="Enter address line 1, typically the building and street"
    )
    line_2 = _text("Address line 2", required=False, max_length=150)
    town = _text("Town or city", message="Enter the town or city")
    county = _text("County", required=False)
    postcode = _text("Postcode", max_length=10, message="Enter the postcode")
    phone = _text("Phone number", required=False, max_length=30)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    preferred_channel = forms.ChoiceField(
        label="How does the victim want to be contacted?",
        choices=Channel.choices,
        initial=Channel.LETTER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the victim wants to be contacted"},
    )
    language = forms.ChoiceField(
        label="Which language should letters be in?",
        choices=Language.choices,
        initial=Language.ENGLISH,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the language for letters"},
    )
    safe_times_to_call = _text(
        "Safe times to call", required=False, max_length=255, help_text="For example, weekdays after 6pm"
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        help_text="For example, large print letters or an interpreter",
        widget=forms.Textarea,
    )
    referral_received_on = GovUKDateField(
        label="Date the referral was received",
        noun="date the referral was received",
        not_future=True,
        help_text="First contact is due 20 working days after this date. For example, 5 10 2026",
    )

    def layout(self) -> list[Any]:
        legend = {"legend_size": Size.MEDIUM, "css_class": "govuk-!-margin-bottom-6"}
        return [
            Fieldset(
                Field.text("first_name", field_width=Fluid.TWO_THIRDS),
                Field.text("last_name", field_width=Fluid.TWO_THIRDS),
                Field("date_of_birth", context={"legend_size": "govuk-fieldset__legend--s"}),
                Field.radios("relationship", legend_size=Size.SMALL),
                legend="About the victim",
                **legend,
            ),
            Fieldset(
                HTML(
                    '<div class="govuk-hint">Needed if the victim is under 18: letters go to them until the '
                    "victim's 18th birthday.</div>"
                ),
                Field.text("guardian_first_name", field_width=Fluid.TWO_THIRDS),
                Field.text("guardian_last_name", field_width=Fluid.TWO_THIRDS),
                Field.text("guardian_relationship", field_width=Fluid.ONE_THIRD),
                legend="Parent or guardian",
                **legend,
            ),
            Fieldset(
                HTML('<div class="govuk-hint">Where letters go. It is never shown to the offender.</div>'),
                Field.text("line_1", autocomplete="off"),
                Field.text("line_2", autocomplete="off"),
                Field.text("town", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.text("county", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.text("postcode", field_width=Fixed.TEN, autocomplete="off"),
                legend="Safe address",
                **legend,
            ),
            Fieldset(
                Field.text("phone", field_width=Fixed.TWENTY, autocomplete="off"),
                Field.text("email", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
                Field.radios("preferred_channel", legend_size=Size.SMALL, small=True),
                Field.radios("language", legend_size=Size.SMALL, small=True),
                Field.text("safe_times_to_call", field_width=Fluid.TWO_THIRDS),
                Field.textarea("accessibility_needs", rows=3),
                legend="Contact",
                **legend,
            ),
            Fieldset(
                Field("referral_received_on", context={"legend_size": "govuk-fieldset__legend--s"}),
                legend="Referral",
                **legend,
            ),
        ]

    def clean_postcode(self) -> str:
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if not POSTCODE_PATTERN.match(postcode):
            raise ValidationError("Enter a real postcode, like M5 4WT")
        return postcode

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        born = data.get("date_of_birth")
        if (
            born
            and timezone.localdate() < born + relativedelta(years=18)
            and not data.get("guardian_last_name")
        ):
            self.add_error(
                "guardian_last_name", "Enter the parent or guardian's name: the victim is under 18"
            )
        return data

    VICTIM_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
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

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.VICTIM_FIELDS}

    def address(self) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            line_1=data["line_1"],
            line_2=data["line_2"],
            town=data["town"],
            county=data["county"],
            postcode=data["postcode"],
        )

    def summary(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rows = self.rows("first_name", "last_name", "date_of_birth")
        guardian = " ".join(p for p in (data["guardian_first_name"], data["guardian_last_name"]) if p)
        if data["guardian_relationship"] and guardian:
            guardian = f"{guardian} ({data['guardian_relationship']})"
        rows.append({"key": "Parent or guardian", "lines": [guardian], "field": "guardian_first_name"})
        address = [data[n] for n in ("line_1", "line_2", "town", "county", "postcode") if data[n]]
        rows.append({"key": "Safe address", "lines": address, "field": "line_1"})
        rows += self.rows(
            "phone", "email", "preferred_channel", "language", "safe_times_to_call", "accessibility_needs"
        )
        return rows

    def case_summary(self) -> list[dict[str, Any]]:
        return self.rows("relationship", "referral_received_on")


def victim_hint(victim: Victim, case_reference: str = "") -> str:
    parts = [f"Born {govuk_date(victim.date_of_birth)}"]
    address = victim.current_address
    if address:
        parts.append(f"lives in {address.town}")
    hint = ", ".join(parts)
    if case_reference:
        hint += f". Already has a case for this sentence ({case_reference})"
    return hint


class VictimMatchForm(StepForm):
    victim = forms.ChoiceField(
        label="Is this the same victim?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to use an existing record or record a new victim"},
    )

    def __init__(self, *args: Any, matches: list[Victim], sentence: Sentence | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing: dict[str, str] = {}
        choices: list[Choice] = []
        for victim in matches:
            case = case_for(victim_id=victim.pk, sentence_id=sentence.pk) if sentence else None
            if case:
                self.existing[str(victim.pk)] = case.reference
            choices.append(
                Choice(
                    str(victim.pk),
                    f"Yes, use {victim.full_name}",
                    hint=victim_hint(victim, case.reference if case else ""),
                )
            )
        if choices:
            choices[-1].divider = "or"
        choices.append(Choice(NEW, "No, record a new victim"))
        self.fields["victim"].choices = choices

    def layout(self) -> list[Any]:
        return [Field.radios("victim", legend_size=Size.MEDIUM)]

    def clean_victim(self) -> str:
        choice = self.cleaned_data["victim"]
        if choice in self.existing:
            raise ValidationError(
                f"This victim already has a case for this sentence ({self.existing[choice]}). "
                "Open that case instead of recording the referral again."
            )
        return choice


# --- bulk import -------------------------------------------------------------------------


class ImportForm(forms.Form):
    """Rendered by hand in its template: GOV.UK's enhanced file upload and a checkbox with a hint."""

    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One referral a row, in the columns the import guide describes. Up to 5 MB.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
    dry_run = forms.BooleanField(
        label="Check the file only (dry run)",
        required=False,
        help_text="Nothing is saved: you see what would be created, or what needs fixing.",
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max_bytes / (1024 * 1024)
        size = f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes // 1024} KB"
        self.max_bytes = max_bytes
        self.fields[
            "file"
        ].help_text = f"One referral a row, in the columns the import guide describes. Up to {size}."
        self.fields["file"].error_messages["too_large"] = f"The selected file must be smaller than {size}"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(self.fields["file"].error_messages["too_large"])
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        return upload
