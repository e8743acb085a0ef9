"""Forms for parole, tribunal and meeting pages. They check shape; ``parole.services`` checks the rules.

No conditional reveals: GOV.UK Frontend marks a revealing radio ``aria-expanded``, which axe
reports as a critical violation (govuk-frontend issue 979), so follow-up questions are plain
optional fields whose labels say when they apply, and the service checks them.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fluid
from django import forms

from vcs_portal.core.forms import DATE_HINT, GovDateField, ServiceForm, gds_helper

from .models import (
    ConditionKind,
    ConditionOutcome,
    MeetingKind,
    MeetingLevel,
    ParoleOutcome,
    ReviewKind,
    Tribunal,
    TribunalDecision,
)

NO_DETAILS = "Do not include the victim's address, phone number or email."
YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(label: str, *, required: bool = False, help_text: str = "", **messages: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"{label.split(' (')[0]} must be 4000 characters or fewer", **messages},
    )


def _radios(
    label: str, choices: Any, *, required: bool = True, what: str = "an option", **kwargs: Any
) -> Any:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose {what}", "invalid_choice": f"Choose one of the {what}s shown"},
        **kwargs,
    )


def _yes_no(label: str, *, what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose yes if {what}", "invalid_choice": f"Choose yes if {what}"},
    )


class ReviewForm(ServiceForm):
    referred_on = GovDateField(
        label="When was the case referred to the Parole Board?", what="the date of the referral"
    )
    kind = _radios("What kind of review is it?", ReviewKind.choices, what="the kind of review")
    hearing_on = GovDateField(
        label="When is the hearing? (optional)",
        what="the date of the hearing",
        required=False,
        help_text=f"For a paper review, the day the panel considers the papers. {DATE_HINT}",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("referred_on"),
            Field.radios("kind", small=True),
            Field("hearing_on"),
            button="Save review",
        )


class DecisionForm(ServiceForm):
    outcome = _radios("What did the Parole Board decide?", ParoleOutcome.choices, what="the decision")
    decision_on = GovDateField(label="When was the decision made?", what="the date of the decision")
    summary_requested_on = GovDateField(
        label="When did the victim ask for a decision summary? (optional)",
        what="the date the summary was requested",
        required=False,
    )
    summary_received_on = GovDateField(
        label="When was the decision summary received? (optional)",
        what="the date the summary was received",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("outcome", small=True),
            Field("decision_on"),
            Field("summary_requested_on"),
            Field("summary_received_on"),
            button="Save decision",
        )


class ReconsiderationForm(ServiceForm):
    requested_on = GovDateField(
        label="When did the victim ask for the decision to be reconsidered?", what="the date of the request"
    )
    notes = _textarea("Notes (optional)", help_text=NO_DETAILS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("requested_on"), Field.textarea("notes", rows=4), button="Save request"
        )


class VpsInviteForm(ServiceForm):
    invited_on = GovDateField(
        label="When did you invite the victim to write a statement?", what="the date of the invitation"
    )
    disclosure_explained_on = GovDateField(
        label="When did you tell the victim the statement may be disclosed to the offender? (optional)",
        what="the date you told the victim about disclosure",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("invited_on"), Field("disclosure_explained_on"), button="Save invitation"
        )


class VpsProgressForm(ServiceForm):
    disclosure_explained_on = GovDateField(
        label="When did you tell the victim the statement may be disclosed to the offender?",
        what="the date you told the victim about disclosure",
        required=False,
        help_text=f"You must tell the victim before they write it. {DATE_HINT}",
    )
    received_on = GovDateField(
        label="When did you receive the statement? (optional)",
        what="the date it was received",
        required=False,
    )
    submitted_on = GovDateField(
        label="When did you send it to the Parole Board? (optional)",
        what="the date it was sent to the Board",
        required=False,
    )
    wants_to_read = _yes_no(
        "Does the victim want to read their statement at the hearing?", what="the victim wants to read it"
    )
    non_disclosure = _yes_no(
        "Has an application been made to keep the statement from the offender?",
        what="a non-disclosure application was made",
    )
    non_disclosure_applied_on = GovDateField(
        label="If an application was made, when was it made?",
        what="the date of the application",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("disclosure_explained_on"),
            Field("received_on"),
            Field("submitted_on"),
            Field.radios("wants_to_read", inline=True),
            Field.radios("non_disclosure", inline=True),
            Field("non_disclosure_applied_on"),
            button="Save statement",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["wants_to_read_at_hearing"] = data.get("wants_to_read") == "yes"
        data["non_disclosure_applied"] = data.get("non_disclosure") == "yes"
        if not data["non_disclosure_applied"]:
            data["non_disclosure_applied_on"] = None
        return data


class ConditionForm(ServiceForm):
    kind = _radios("What condition did the victim ask for?", ConditionKind.choices, what="the condition")
    description = _textarea(
        "Describe the condition (needed for an exclusion zone or another condition)",
        help_text="For an exclusion zone, describe the area: the streets or boundaries, or a map reference. "
        "Never the victim's address. This goes to the offender manager.",
    )
    requested_on = GovDateField(label="When did the victim ask for it?", what="the date of the request")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind", small=True),
            Field.textarea("description", rows=4),
            Field("requested_on"),
            button="Save condition",
        )


class ConditionSentForm(ServiceForm):
    sent_on = GovDateField(
        label="When did you send the request to the offender manager?", what="the date it was sent"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("sent_on"), button="Save")


class ConditionOutcomeForm(ServiceForm):
    outcome = _radios(
        "Was the condition imposed?",
        [(ConditionOutcome.IMPOSED.value, "Imposed"), (ConditionOutcome.NOT_IMPOSED.value, "Not imposed")],
        what="whether the condition was imposed",
    )
    outcome_reason = _textarea(
        "If it was not imposed, why not?", help_text="The victim will be told this reason."
    )
    outcome_on = GovDateField(label="When was this decided?", what="the date of the decision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Choose whether the condition was imposed"
        self.helper = gds_helper(
            Field.radios("outcome"),
            Field.textarea("outcome_reason", rows=4),
            Field("outcome_on"),
            button="Save outcome",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == ConditionOutcome.IMPOSED:
            data["outcome_reason"] = ""  # a reason typed before choosing "Imposed" is not kept
        return data


DECISION_CHOICES = [("", "Not decided yet"), *TribunalDecision.choices]


class TribunalForm(ServiceForm):
    applied_on = GovDateField(
        label="When did the patient apply to the tribunal?", what="the application date"
    )
    tribunal = _radios("Which tribunal?", Tribunal.choices, what="the tribunal")
    hearing_on = GovDateField(
        label="When is the hearing? (optional)", what="the hearing date", required=False
    )
    representations_submitted_on = GovDateField(
        label="When did you submit the victim's representations? (optional)",
        what="the date the representations were submitted",
        required=False,
    )
    representations_summary = _textarea("Summary of the representations (optional)", help_text=NO_DETAILS)
    requested_conditions = _textarea(
        "Discharge conditions the victim asked for (optional)",
        help_text="For example, no contact or an exclusion zone described by its streets. " + NO_DETAILS,
    )
    victim_impact_statement = _textarea(
        "Victim impact statement, about conditions only (optional)",
        help_text="Only for applications made on or after 25 June 2025. The tribunal uses it only to decide "
        "conditions of discharge, not whether to discharge.",
    )
    decision = forms.ChoiceField(
        label="What did the tribunal decide? (optional)",
        choices=DECISION_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose one of the decisions listed"},
    )
    decision_on = GovDateField(
        label="When was the decision made? (optional)", what="the decision date", required=False
    )

    def __init__(self, *args: Any, vis_from_text: str = "25 June 2025", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["victim_impact_statement"].help_text = (
            f"Only for applications made on or after {vis_from_text}. The tribunal uses it only to decide "
            "conditions of discharge, not whether to discharge."
        )
        self.helper = gds_helper(
            Field("applied_on"),
            Field.radios("tribunal", small=True),
            Field("hearing_on"),
            Field("representations_submitted_on"),
            Field.textarea("representations_summary", rows=4),
            Field.textarea("requested_conditions", rows=4),
            Field.textarea("victim_impact_statement", rows=6),
            Field.select("decision"),
            Field("decision_on"),
            button="Save tribunal details",
        )


class HospitalReferralForm(ServiceForm):
    referred_on = GovDateField(
        label="When did you pass the case to the hospital managers?", what="the date of the referral"
    )
    hospital = forms.CharField(
        label="Hospital",
        max_length=150,
        error_messages={
            "required": "Enter the hospital",
            "max_length": "Hospital must be 150 characters or fewer",
        },
    )
    contact_name = forms.CharField(
        label="Who at the hospital? (optional)",
        max_length=150,
        required=False,
        error_messages={"max_length": "The name must be 150 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("referred_on"),
            Field.text("hospital", field_width=Fluid.TWO_THIRDS),
            Field.text("contact_name", field_width=Fluid.TWO_THIRDS),
            button="Save referral",
        )


class MeetingForm(ServiceForm):
    kind = _radios("What kind of meeting?", MeetingKind.choices, what="the kind of meeting")
    level = _radios(
        "MAPPA level (MAPPA meetings only)", MeetingLevel.choices, required=False, what="MAPPA level"
    )
    held_on = GovDateField(label="When was the meeting?", what="the date of the meeting")
    views_put_forward = _textarea(
        "What did you put forward for the victim?",
        required=True,
        help_text=NO_DETAILS,
    )
    outcome = _textarea("What was decided? (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["views_put_forward"].error_messages["required"] = (
            "Enter the victim's views you put forward"
        )
        self.fields["level"].error_messages["required"] = "Choose the MAPPA level"
        self.helper = gds_helper(
            Field.radios("kind"),
            Field.radios("level", small=True, inline=True),
            Field("held_on"),
            Field.textarea("views_put_forward", rows=5),
            Field.textarea("outcome", rows=4),
            button="Save meeting",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == MeetingKind.MARAC:
            data["level"] = ""
        return data
