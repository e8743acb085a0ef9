"""The offender and sentence steps of the referral wizard."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError

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
from vcs_portal.core.forms import AutocompleteSelect, GovDateField, gds_helper
from vcs_portal.core.pages import govuk_date

from ..jurisdiction import court_outside_england_and_wales
from ..referrals import PNC_PATTERN, counts_total
from .steps import NEW, StepForm, _length, _length_row, _term_text, _text

# --- offender ------------------------------------------------------------------------------


class OffenderForm(StepForm):
    first_name = _text("First name", message="Enter the offender's first name")
    last_name = _text("Last name", message="Enter the offender's last name")
    date_of_birth = GovDateField(
        label="Date of birth", what="the date of birth", past=True, help_text="For example, 27 3 1985"
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
        # Search-as-you-type over some 260 legal titles; without JavaScript, the select as it is.
        widget=AutocompleteSelect,
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
    offence_date = GovDateField(
        label="Date of the offence (optional)",
        what="the date of the offence",
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
    sentence_date = GovDateField(
        label="Date of sentence",
        what="the date of sentence",
        not_future=True,
        help_text="For example, 26 3 2026",
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
    offence_2_date = GovDateField(
        label="Date of the offence (optional)",
        what="the date of the second offence",
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

    def clean_court(self) -> str:
        court = self.cleaned_data["court"].strip()
        refusal = court_outside_england_and_wales(court)
        if refusal:
            raise ValidationError(refusal)
        return court

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
            total = counts_total(data["sentence_date"], self.counts())
            if total is not None:
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
