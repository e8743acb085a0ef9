"""Forms for the case pages. They check the shape of what was entered; services check the rules.

A service's ``ValidationError`` is keyed by field name, so ``ServiceForm.add_service_errors``
puts each message beside the field it belongs to, as the GOV.UK error pattern asks.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.utils import TEMPLATE_PACK, render_field
from crispy_forms_gds.layout import (
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Fixed,
    Fluid,
    Size,
)
from django import forms
from django.template.loader import render_to_string

from offenders.models import EventKind, KeyDateKind, SecurityCategory
from offenders.selectors import establishment_choices
from vcs_portal.core.forms import DATE_HINT, GovDateField, ServiceForm, gds_helper

from .models import TRANSITIONS, Case, CaseStatus, ClosureReason, ContactLevel, DiscretionaryContext


class Reveal(ConditionalQuestion):
    """A radio choice that may reveal fields, numbered from 1 like ``Field.radios``.

    crispy-forms-gds numbers conditional radios from 0 but plain radios from 1, and the error
    summary links to ``id_<name>_1``, so every choice of the field must be a ``Reveal``.
    """

    template = "victims/_reveal_radio.html"

    def render(
        self, bound_field: Any, form: Any, context: Any, template_pack: str = TEMPLATE_PACK, **kwargs: Any
    ) -> str:
        choices = list(bound_field.field.choices)
        index = [str(label) for _, label in choices].index(self.value)
        content = "".join(
            render_field(f, form, context, template_pack=template_pack, **kwargs) for f in self.fields
        )
        context.update(
            {
                "choice": choices[index],
                "field": bound_field,
                "position": index + 1,
                "conditional_content": content,
            }
        )
        return render_to_string(self.get_template_name(template_pack), context.flatten())


def _textarea(
    label: str, *, required: bool = False, max_length: int | None = None, **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        **kwargs,
    )


class CaseStatusForm(ServiceForm):
    """Move a case along its lifecycle; only the moves allowed from its status are offered."""

    error_aliases = {"status": "to_status"}

    to_status = forms.ChoiceField(
        label="What is the new status?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the new status",
            "invalid_choice": "Choose one of the statuses shown",
        },
    )
    contact_level = forms.ChoiceField(
        label="What level of contact does the victim want?",
        choices=ContactLevel.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the levels of contact shown"},
    )
    closure_reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=ClosureReason.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the reasons shown"},
    )
    changed_on = GovDateField(label="When did the status change?", what="the date the status changed")
    how_received = forms.ChoiceField(
        label="How did the victim tell you? (optional)",
        help_text="If the victim told you their choice themselves",
        choices=[
            ("letter", "Letter"),
            ("phone", "Phone call"),
            ("email", "Email"),
            ("in_person", "In person"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = _textarea(
        "Notes (optional)",
        max_length=255,
        help_text="Why the status changed. Do not include the victim's address or phone number.",
        error_messages={"max_length": "Notes must be 255 characters or fewer"},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(case.status, set())
        choices = [(s.value, str(s.label)) for s in CaseStatus if s in allowed]
        self.fields["to_status"].choices = choices
        self.fields["contact_level"].initial = case.contact_level or None
        reveals: dict[str, tuple[str, ...]] = {
            CaseStatus.OPTED_IN: ("contact_level",),
            CaseStatus.CLOSED: ("closure_reason",),
        }
        for status, names in reveals.items():
            if status not in allowed:
                for name in names:
                    del self.fields[name]
        radios = [
            Reveal(label, *(Field.radios(n, small=True) for n in reveals.get(value, ())))
            for value, label in choices
        ]
        self.helper = gds_helper(
            ConditionalRadios("to_status", *radios),
            Field("changed_on"),
            Field.radios("how_received", small=True),
            Field.textarea("reason", rows=4, max_characters=255),
            button="Save status",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A hidden reveal still submits its radios: keep only what belongs to the chosen status.
        to_status = data.get("to_status")
        if to_status != CaseStatus.OPTED_IN:
            data["contact_level"] = ""
        if to_status != CaseStatus.CLOSED:
            data["closure_reason"] = ""
        return data


# Events recorded elsewhere: "sentenced" comes with the sentence, an appeal with its new term.
EVENT_CHOICES = [("", "Choose the event")] + [
    (kind.value, str(kind.label)) for kind in EventKind if kind not in {EventKind.SENTENCED, EventKind.APPEAL}
]
CATEGORY_EVENTS = {EventKind.RECATEGORISATION, EventKind.OPEN_CONDITIONS}


class SentenceEventForm(ServiceForm):
    """Something that happened in the sentence, with the new security category where it changed."""

    error_aliases = {"effective_on": "occurred_on", "category": "security_category"}

    kind = forms.ChoiceField(
        label="What happened?",
        choices=EVENT_CHOICES,
        error_messages={
            "required": "Choose what happened",
            "invalid_choice": "Choose one of the events listed",
        },
    )
    occurred_on = GovDateField(
        label="When did it happen?",
        what="the date of the event",
        help_text=f"Parole hearings, tribunals and end dates can be in the future. {DATE_HINT}",
    )
    security_category = forms.ChoiceField(
        label="New security category",
        help_text="For a recategorisation or a move to open conditions",
        choices=[("", "No change")] + [(c.value, str(c.label)) for c in SecurityCategory],
        required=False,
        error_messages={"invalid_choice": "Choose one of the categories listed"},
    )
    location = forms.ChoiceField(
        label="Where is the offender held now? (optional)",
        help_text="Where held after the event. Never shown to victims. Not listed? Ask an admin to add it.",
        choices=establishment_choices,
        required=False,
        error_messages={"invalid_choice": "Choose a prison or hospital from the list"},
    )
    detail = _textarea("Details (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("kind"),
            Field("occurred_on"),
            Field.select("security_category"),
            Field.select("location"),
            Field.textarea("detail", rows=4),
            button="Save event",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == EventKind.RECATEGORISATION and not data.get("security_category"):
            self.add_error("security_category", "Choose the new security category")
        return data


class KeyDateForm(ServiceForm):
    error_aliases = {"date": "on"}

    kind = forms.ChoiceField(
        label="Which key date?",
        choices=KeyDateKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which key date",
            "invalid_choice": "Choose one of the key dates shown",
        },
    )
    on = GovDateField(label="What is the date?", what="the key date")
    source = forms.CharField(
        label="Where did the date come from?",
        help_text="For example, the prison's sentence calculation or the court record",
        max_length=150,
        error_messages={
            "required": "Enter where the date came from",
            "max_length": "Where the date came from must be 150 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind", small=True),
            Field("on"),
            Field.text("source", field_width=Fluid.TWO_THIRDS),
            button="Save key date",
        )


def _whole_number(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 999 or fewer",
        },
    )


class AppealForm(ServiceForm):
    """The sentence's new length after an appeal; the old one is kept in the timeline."""

    decided_on = GovDateField(label="When was the appeal decided?", what="the date of the appeal decision")
    years = _whole_number("Years")
    months = _whole_number("Months")
    days = _whole_number("Days")
    detail = _textarea(
        "Details (optional)", help_text="For example, the court and what the appeal was against"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("decided_on"),
            Fieldset(
                Field.text("years", field_width=Fixed.THREE),
                Field.text("months", field_width=Fixed.THREE),
                Field.text("days", field_width=Fixed.THREE),
                legend="What is the length of the sentence now?",
                legend_size=Size.SMALL,
            ),
            Field.textarea("detail", rows=4),
            button="Save appeal",
        )


class ReviewForm(ServiceForm):
    note = _textarea(
        "What did you decide?",
        required=True,
        max_length=240,
        help_text="This is added to the case timeline",
        error_messages={
            "required": "Say what you decided",
            "max_length": "Your decision must be 240 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("note", label_size=Size.SMALL, rows=4, max_characters=240), button="Resolve review"
        )


class ContextForm(ServiceForm):
    """The context an offence happened in, for a case the statutory rules do not cover."""

    error_aliases = {"discretionary_context": "context", "discretionary_context_detail": "detail"}

    context = forms.ChoiceField(
        label="What context did the offence happen in?",
        help_text="A manager then decides whether to offer the scheme.",
        choices=DiscretionaryContext.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the context the offence happened in",
            "invalid_choice": "Choose one of the contexts shown",
        },
    )
    detail = forms.CharField(
        label="If another context, what is it?",
        required=False,
        max_length=255,
        error_messages={"max_length": "The context must be 255 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A plain follow-up, as on the referral pages (GOV.UK Frontend's reveal fails axe-core).
        self.helper = gds_helper(
            Field.radios("context"),
            Field.text("detail", field_width=Fluid.TWO_THIRDS),
            button="Save the context",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("context") != DiscretionaryContext.OTHER:
            data["detail"] = ""
        elif not data.get("detail", "").strip():
            self.add_error("detail", "Say what the other context is")
        return data


class DiscretionDecisionForm(ServiceForm):
    """A manager's decision on a discretionary offer, with the reason that goes on the timeline."""

    decision = forms.ChoiceField(
        label="Do you approve offering the scheme?",
        choices=[
            ("approve", "Yes, approve the discretionary offer"),
            ("decline", "No, decline it and close the case"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you approve the discretionary offer",
            "invalid_choice": "Choose one of the answers shown",
        },
    )
    reason = _textarea(
        "Why?",
        required=True,
        max_length=240,
        help_text="This is added to the case timeline. Do not include the victim's address or phone number.",
        error_messages={
            "required": "Give the reason for your decision",
            "max_length": "The reason must be 240 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision"),
            Field.textarea("reason", label_size=Size.SMALL, rows=4, max_characters=240),
            button="Save the decision",
        )


CASELOAD_STATUS_CHOICES = (
    [("open", "Open cases")] + [(s.value, str(s.label)) for s in CaseStatus] + [("all", "All cases")]
)
CASELOAD_DEADLINE_CHOICES = [
    ("", "All"),
    ("overdue", "First contact overdue"),
    ("awaiting", "Awaiting first contact"),
    ("met", "First contact made"),
    ("review", "Needs review"),
]


WHOSE_MINE, WHOSE_TEAM = "mine", "team"
CASELOAD_WHOSE_CHOICES = [(WHOSE_MINE, "My cases"), (WHOSE_TEAM, "Team’s cases")]  # noqa: RUF001 - a typographic apostrophe, as GOV.UK writes


class CaseloadFilterForm(forms.Form):
    """The caseload's search and filters, read from the query string; bad values fall back to defaults."""

    q = forms.CharField(label="Search by name, PNC or case reference", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=CASELOAD_STATUS_CHOICES, required=False)
    deadline = forms.ChoiceField(label="First contact", choices=CASELOAD_DEADLINE_CHOICES, required=False)
    whose = forms.ChoiceField(choices=CASELOAD_WHOSE_CHOICES, required=False)

    def __init__(self, *args: Any, own_by_default: bool = False, **kwargs: Any) -> None:
        """``own_by_default``: a VLO's caseload is their own cases until they ask for the team's."""
        super().__init__(*args, **kwargs)
        self.own_by_default = own_by_default

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.caseload``."""
        self.is_valid()  # Fields with bad values are left out of cleaned_data, so they get defaults.
        data = self.cleaned_data
        status = data.get("status") or "open"
        return {
            "search": data.get("q", "").strip(),
            "status": "" if status == "all" else status,
            "deadline": data.get("deadline", ""),
            "mine_only": self.own_by_default and self.whose_choice() == WHOSE_MINE,
        }

    def whose_choice(self) -> str:
        """``mine`` or ``team``: whose cases the caseload shows."""
        self.is_valid()
        return self.cleaned_data.get("whose") or (WHOSE_MINE if self.own_by_default else WHOSE_TEAM)

    def is_filtered(self) -> bool:
        """Whether anything narrows the default view (open cases, no search; whose does not count)."""
        f = self.filters()
        return bool(f["search"] or f["deadline"] or f["status"] != "open")

    def caption(self) -> str:
        status = self.filters()["status"]
        label = dict(CASELOAD_STATUS_CHOICES)[status or "all"]
        return label if status in {"", "open"} else f"Cases: {label.lower()}"
