"""Forms for the victim's choices. They check shape; the services in ``victims.choices`` check rules.

Each form is a ``ServiceForm``, so a service's ``ValidationError`` is shown beside the field it
names. Free-text fields say not to include an address or phone number: those have their own
structured fields and a note never changes them.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError

from vcs_portal.core.forms import GovDateField, ServiceForm, gds_helper

from .models import Case, Channel, ContactLevel, Language, RestrictionKind, Victim, VictimRestriction
from .referrals import POSTCODE_PATTERN
from .services import AddressInput

NOT_IN_NOTES = "Do not include the victim's address, phone number or email."

HOW_RECEIVED_CHOICES = [
    ("letter", "Letter"),
    ("phone", "Phone call"),
    ("email", "Email"),
    ("in_person", "In person"),
]


def _how_received() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How did the victim tell you? (optional)",
        choices=HOW_RECEIVED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the ways shown"},
    )


def _received_on(
    label: str = "When did the victim tell you?", what: str = "the date the victim told you"
) -> GovDateField:
    return GovDateField(label=label, what=what)


def _text(
    label: str, *, required: bool = True, max_length: int = 100, message: str = "", **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={
            "required": message or f"Enter the {label.lower()}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
        **kw,
    )


def _textarea(
    label: str, *, required: bool, max_length: int, message: str = "", **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": message or f"Enter the {label.lower()}",
            "max_length": f"{label.split(' (')[0]} must be {max_length} characters or fewer",
        },
        **kw,
    )


def _contact_level() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="What level of contact does the victim want?",
        choices=ContactLevel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the level of contact the victim wants",
            "invalid_choice": "Choose one of the levels of contact shown",
        },
    )


class AddressChangeForm(ServiceForm):
    """The victim's new safe address, in structured fields."""

    line_1 = _text(
        "Address line 1", max_length=150, message="Enter address line 1, typically the building and street"
    )
    line_2 = _text("Address line 2 (optional)", required=False, max_length=150)
    town = _text("Town or city", message="Enter the town or city")
    county = _text("County (optional)", required=False)
    postcode = _text("Postcode", max_length=10, message="Enter the postcode")
    valid_from = GovDateField(
        label="When did the victim move to this address?",
        what="the date the victim moved",
        help_text="Letters go to the new address from today. For example, 27 3 2026",
    )
    how_received = _how_received()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Fieldset(
                Field.text("line_1", autocomplete="off"),
                Field.text("line_2", autocomplete="off"),
                Field.text("town", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.text("county", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.text("postcode", field_width=Fixed.TEN, autocomplete="off", spellcheck="false"),
                legend="New safe address",
                legend_size=Size.MEDIUM,
            ),
            Field("valid_from", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("how_received", legend_size=Size.SMALL, small=True),
            button="Change the safe address",
        )

    def clean_postcode(self) -> str:
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if not POSTCODE_PATTERN.match(postcode):
            raise ValidationError("Enter a real postcode, like M5 4WT")
        return postcode

    def address(self) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            line_1=data["line_1"],
            line_2=data["line_2"],
            town=data["town"],
            county=data["county"],
            postcode=data["postcode"],
        )


class PreferencesForm(ServiceForm):
    """How the victim wants to be contacted; it starts from what is recorded now."""

    preferred_channel = forms.ChoiceField(
        label="How does the victim want to be contacted?",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the victim wants to be contacted"},
    )
    language = forms.ChoiceField(
        label="Which language should letters be in?",
        choices=Language.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the language for letters"},
    )
    phone = _text("Phone number (optional)", required=False, max_length=30)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    safe_times_to_call = _text(
        "Safe times to call (optional)",
        required=False,
        max_length=255,
        help_text="For example, weekdays after 6pm",
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        help_text="For example, large print letters or an interpreter",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    large_print = forms.BooleanField(label="Letters in large print", required=False)
    received_on = _received_on()
    how_received = _how_received()

    def __init__(self, *args: Any, victim: Victim, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                name: getattr(victim, name)
                for name in (
                    "preferred_channel",
                    "language",
                    "phone",
                    "email",
                    "safe_times_to_call",
                    "accessibility_needs",
                    "large_print",
                )
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("preferred_channel", legend_size=Size.SMALL, small=True),
            Field.radios("language", legend_size=Size.SMALL, small=True),
            Field.text("phone", field_width=Fixed.TWENTY, autocomplete="off", inputmode="tel"),
            Field.text("email", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
            Field.text("safe_times_to_call", field_width=Fluid.TWO_THIRDS),
            Field.textarea("accessibility_needs", rows=3),
            Field.checkbox("large_print", small=True),
            Field("received_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("how_received", legend_size=Size.SMALL, small=True),
            button="Save preferences",
        )


class ContactLevelForm(ServiceForm):
    contact_level = _contact_level()
    received_on = _received_on()
    how_received = _how_received()

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_level"].initial = case.contact_level or None
        self.helper = gds_helper(
            Field.radios("contact_level", legend_size=Size.SMALL),
            Field("received_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("how_received", legend_size=Size.SMALL, small=True),
            button="Save level of contact",
        )


class OptInForm(ServiceForm):
    # The status change names its date ``changed_on`` and a refused move ``status``.
    error_aliases = {"changed_on": "received_on"}

    contact_level = _contact_level()
    received_on = _received_on("When did the victim opt in?", "the date the victim opted in")
    how_received = _how_received()

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_level"].initial = case.contact_level or None
        self.helper = gds_helper(
            Field.radios("contact_level", legend_size=Size.SMALL),
            Field("received_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("how_received", legend_size=Size.SMALL, small=True),
            button="Record opt in",
        )


class OptOutForm(ServiceForm):
    error_aliases = {"changed_on": "received_on"}

    received_on = _received_on("When did the victim opt out?", "the date the victim opted out")
    how_received = _how_received()
    reason = _textarea(
        "Notes (optional)",
        required=False,
        max_length=255,
        help_text=f"Why the victim opted out, if they said. {NOT_IN_NOTES}",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("received_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.radios("how_received", legend_size=Size.SMALL, small=True),
            Field.textarea("reason", rows=4, max_characters=255),
            button="Record opt out",
        )


class RestrictionAddForm(ServiceForm):
    """A restriction on how the victim is contacted; one already in place is marked as such."""

    kind = forms.ChoiceField(
        label="Which restriction?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the restriction",
            "invalid_choice": "Choose one of the restrictions shown",
        },
    )
    detail = _text(
        "Details",
        required=False,
        max_length=255,
        help_text=f"Needed for “Other restriction”. {NOT_IN_NOTES}",
    )

    def __init__(self, *args: Any, active: list[VictimRestriction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_place = {r.kind: r for r in active if r.kind != RestrictionKind.OTHER}
        self.fields["kind"].choices = [
            Choice(
                kind.value,
                kind.label,
                hint=f"Already in place since {in_place[kind].added_on:%-d %B %Y}"
                if kind in in_place
                else "",
            )
            for kind in RestrictionKind
        ]
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("detail", field_width=Fluid.FULL),
            button="Add restriction",
        )


class RestrictionLiftForm(ServiceForm):
    reason = _textarea(
        "Why is the restriction being lifted?",
        required=True,
        max_length=255,
        message="Say why the restriction is being lifted",
        help_text=f"For example, the victim asked for it to be lifted. {NOT_IN_NOTES}",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=4, max_characters=255),
            button="Lift restriction",
        )


class SafetyConcernForm(ServiceForm):
    raised_on = GovDateField(label="When did the victim raise the concern?", what="the date of the concern")
    description = forms.CharField(
        label="What is the concern?",
        help_text="Only people who may see this case can read it. It is not shown on the timeline.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the concern"},
    )
    share_with_offender_manager = forms.TypedChoiceField(
        label="Has the victim agreed that the offender manager may be told?",
        help_text="The offender manager never gets the victim's address or contact details.",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the offender manager may be told"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("raised_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.textarea("description", label_size=Size.SMALL, rows=5),
            Field.radios("share_with_offender_manager", legend_size=Size.SMALL, small=True, inline=True),
            button="Record safety concern",
        )
