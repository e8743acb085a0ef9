"""The VLO's answer to a consultation. The form checks shape; ``services.consultation_answer`` the
rules, and that no victim's detail is in the words."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field
from django import forms

from vcs_portal.core.forms import GovDateField, ServiceForm, gds_helper

from .models import VpsWish, YesNoNA

NO_DETAILS = (
    "Describe, never identify: no name, address, town, postcode, phone number or email. "
    "For example: an exclusion zone around the victim's home town."
)


def _radios(label: str, choices: Any, *, what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose {what}", "invalid_choice": f"Choose {what}"},
    )


def _text(label: str, *, required: bool, help_text: str = "", what: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{label} must be 4000 characters or fewer",
        },
    )


class AnswerForm(ServiceForm):
    victims_in_scheme = _radios(
        "Is there a victim in the Victim Contact Scheme?",
        YesNoNA.choices,
        what="whether a victim is in the scheme",
    )
    licence_conditions_requested = _radios(
        "Has the victim asked for licence conditions?",
        YesNoNA.choices,
        what="whether the victim asked for licence conditions",
    )
    licence_conditions = _text(
        "The licence conditions asked for (if any)",
        required=False,
        help_text=NO_DETAILS,
    )
    wishes_to_make_vps = _radios(
        "Does the victim wish to make a Victim Personal Statement?",
        VpsWish.choices,
        what="whether the victim wishes to make a VPS",
    )
    victim_last_contacted_on = GovDateField(
        label="When was the victim last contacted? (optional)",
        what="the date the victim was last contacted",
        required=False,
    )
    response = _text("Your response", required=True, help_text=NO_DETAILS, what="your response")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("victims_in_scheme", small=True),
            Field.radios("licence_conditions_requested", small=True),
            Field.textarea("licence_conditions", rows=4),
            Field.radios("wishes_to_make_vps", small=True),
            Field("victim_last_contacted_on"),
            Field.textarea("response", rows=6),
            button="Send the answer",
        )
