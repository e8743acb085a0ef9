"""The victim steps of the referral wizard, with the case's own answers."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Size
from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from offenders.models import (
    Sentence,
)
from vcs_portal.core.forms import GovDateField
from vcs_portal.core.pages import govuk_date

from ..models import Channel, DiscretionaryContext, Language, Relationship, Victim
from ..referrals import POSTCODE_PATTERN, case_for
from ..services import AddressInput
from .steps import NEW, StepForm, _text

NO_CONTEXT = "none"

# --- victim ------------------------------------------------------------------------------


class VictimForm(StepForm):
    summary_keys = {
        "preferred_channel": "Contact by",
        "language": "Language for letters",
        "referral_received_on": "Referral received",
        "relationship": "Relationship to the offence",
        "discretionary_context": "Context of the offence",
    }
    first_name = _text("First name", message="Enter the victim's first name")
    last_name = _text("Last name", message="Enter the victim's last name")
    date_of_birth = GovDateField(
        label="Date of birth (optional)",
        what="the date of birth",
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
    relation_to_person_harmed = _text(
        "Who are they to the person harmed?",
        required=False,
        max_length=50,
        help_text="For a bereaved family member or a parent: for example mother, son, partner",
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
    discretionary_context = forms.ChoiceField(
        label="Did the offence happen in one of these contexts?",
        help_text=(
            "A victim of domestic abuse, stalking, harassment or hate crime may be offered the scheme "
            "whatever the sentence, if a manager approves. It makes no difference to a statutory case."
        ),
        choices=[(NO_CONTEXT, "No, none of these"), *DiscretionaryContext.choices],
        initial=NO_CONTEXT,
        required=False,  # not answered is "none of these"
        widget=forms.RadioSelect,
    )
    discretionary_context_detail = _text(
        "If another context, what is it?",
        required=False,
        max_length=255,
        help_text="For example, a dispute between neighbours",
    )
    referral_received_on = GovDateField(
        label="Date the referral was received",
        what="the date the referral was received",
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
                Field.text("relation_to_person_harmed", field_width=Fluid.ONE_THIRD),
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
                # A plain follow-up rather than a conditional reveal: GOV.UK Frontend's reveal sets
                # aria-expanded on a radio, which axe-core reports as not allowed.
                Field.radios("discretionary_context", legend_size=Size.SMALL, small=True),
                Field.text("discretionary_context_detail", field_width=Fluid.TWO_THIRDS),
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
        if data.get("discretionary_context") in (NO_CONTEXT, None):
            data["discretionary_context"] = ""
        if data.get("discretionary_context") != DiscretionaryContext.OTHER:
            data["discretionary_context_detail"] = ""  # a hidden reveal still submits its field
        elif not data.get("discretionary_context_detail"):
            self.add_error("discretionary_context_detail", "Say what the other context is")
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

    def case_fields(self) -> dict[str, Any]:
        """The case's own answers, as ``case_create`` takes them."""
        names = ("relation_to_person_harmed", "discretionary_context", "discretionary_context_detail")
        return {name: self.cleaned_data[name] for name in names}

    def case_summary(self) -> list[dict[str, Any]]:
        rows = self.rows("relationship", "discretionary_context", "referral_received_on")
        data = self.cleaned_data
        if data["relation_to_person_harmed"]:
            rows[0]["lines"] = [f"{rows[0]['lines'][0]} ({data['relation_to_person_harmed']})"]
        context = data["discretionary_context"]
        if context == DiscretionaryContext.OTHER:
            rows[1]["lines"] = [data["discretionary_context_detail"]]
        elif not context:
            rows[1]["lines"] = ["None of these"]
        return rows


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
