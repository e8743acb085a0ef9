"""Forms for contact work. They check the shape of what was entered; services check the rules."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from vcs_portal.core.forms import GovDateField, ServiceForm, gds_helper
from vcs_portal.core.models import User

from .models import (
    ContactWith,
    Direction,
    Method,
    Priority,
    ReferralOutcome,
    ReferralService,
    TaskKind,
)

NO_CONTACT_DETAILS = "Do not include the victim's address or phone number."
TIME_PATTERN = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def _textarea(label: str, *, required: bool = False, max_length: int | None = None, **kwargs: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        **kwargs,
    )


def _date(name: str) -> Field:
    """A date question whose legend matches the other questions' size."""
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


def _text(name: str, width: str = Fluid.TWO_THIRDS) -> Field:
    return Field.text(name, label_size=Size.SMALL, field_width=width)


def _radios(label: str, choices: Any, *, what: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose {what}", "invalid_choice": f"Choose {what} from the list"},
        **kwargs,
    )


class ContactForm(ServiceForm):
    """Log a contact, or correct one (the same questions, filled in)."""

    error_aliases = {"occurred_at": "occurred_time"}

    occurred_on = GovDateField(label="When was the contact?", what="the date of the contact")
    occurred_time = forms.CharField(
        label="What time? (optional)",
        help_text="Use the 24-hour clock, for example 14:30",
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": "Enter the time in the 24-hour clock, for example 14:30"},
    )
    method = _radios("How was the contact made?", Method.choices, what="how the contact was made")
    direction = _radios(
        "Who made the contact?",
        [
            Choice(Direction.OUTGOING, "We did"),
            Choice(Direction.INCOMING, "They contacted us"),
        ],
        what="who made the contact",
    )
    with_whom = _radios("Who was the contact with?", ContactWith.choices, what="who the contact was with")
    summary = _textarea(
        "Summary",
        required=True,
        help_text=f"What was said or sent. {NO_CONTACT_DETAILS}",
        error_messages={"required": "Enter a summary of the contact"},
    )
    outcome = forms.CharField(
        label="Outcome (optional)",
        help_text="For example, left a message, or the victim wants a visit",
        required=False,
        max_length=255,
        error_messages={"max_length": "The outcome must be 255 characters or fewer"},
    )
    follow_up_on = GovDateField(
        label="Follow-up date (optional)",
        what="the follow-up date",
        required=False,
        help_text="A task to follow up is added for this date. For example, 27 3 2026",
    )

    def __init__(self, *args: Any, button: str = "Save contact", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            _date("occurred_on"),
            _text("occurred_time", Fixed.FIVE),
            Field.radios("method", legend_size=Size.SMALL, small=True),
            Field.radios("direction", legend_size=Size.SMALL, small=True),
            Field.radios("with_whom", legend_size=Size.SMALL, small=True),
            Field.textarea("summary", label_size=Size.SMALL, rows=5),
            _text("outcome", Fluid.FULL),
            _date("follow_up_on"),
            button=button,
        )

    def clean_occurred_time(self) -> time | None:
        value = self.cleaned_data["occurred_time"].strip()
        if not value:
            return None
        match = TIME_PATTERN.match(value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Enter the time in the 24-hour clock, for example 14:30")
        return time(int(match[1]), int(match[2]))

    def occurred_at(self) -> datetime:
        """The contact's date and time in UK time; midnight when no time was given."""
        day = self.cleaned_data["occurred_on"]
        return timezone.make_aware(datetime.combine(day, self.cleaned_data.get("occurred_time") or time(0)))

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "occurred_at": self.occurred_at(),
            "method": d["method"],
            "direction": d["direction"],
            "with_whom": d["with_whom"],
            "summary": d["summary"],
            "outcome": d["outcome"],
            "follow_up_on": d["follow_up_on"],
        }

    @staticmethod
    def initial_for(contact: Any) -> dict[str, Any]:
        local = timezone.localtime(contact.occurred_at)
        return {
            "occurred_on": local.date(),
            "occurred_time": "" if (local.hour, local.minute) == (0, 0) else f"{local:%H:%M}",
            "method": contact.method,
            "direction": contact.direction,
            "with_whom": contact.with_whom,
            "summary": contact.summary,
            "outcome": contact.outcome,
            "follow_up_on": contact.follow_up_on,
        }


class _UserChoiceForm(ServiceForm):
    """A form with one radio list of people; ``clean_<field>`` returns the chosen ``User``."""

    person_field = "owner"

    def __init__(self, *args: Any, people: list[User], hints: dict[int, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        hints = hints or {}
        self._people = {str(p.pk): p for p in people}
        choices = []
        for person in people:
            hint = hints.get(person.pk)
            choice = Choice(str(person.pk), person.get_full_name(), **({"hint": hint} if hint else {}))
            choices.append(choice)
        self.fields[self.person_field].choices = choices

    def _person(self) -> User:
        return self._people[self.cleaned_data[self.person_field]]


class TaskForm(_UserChoiceForm):
    title = forms.CharField(
        label="What needs doing?",
        max_length=255,
        error_messages={
            "required": "Enter what needs doing",
            "max_length": "What needs doing must be 255 characters or fewer",
        },
    )
    detail = _textarea("Details (optional)", help_text=NO_CONTACT_DETAILS)
    due_on = GovDateField(label="When is it due?", what="the due date")
    priority = _radios("Priority", Priority.choices, what="the priority", initial=Priority.NORMAL)
    owner = _radios("Who should do it?", [], what="who should do it")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            _text("title", Fluid.FULL),
            Field.textarea("detail", label_size=Size.SMALL, rows=3),
            _date("due_on"),
            Field.radios("priority", legend_size=Size.SMALL, small=True),
            Field.radios("owner", legend_size=Size.SMALL, small=True),
            button="Add task",
        )

    def clean_owner(self) -> User:
        return self._person()


class TaskCompleteForm(ServiceForm):
    outcome = _textarea(
        "What did you do?",
        required=True,
        help_text=f"This is added to the case timeline. {NO_CONTACT_DETAILS}",
        error_messages={"required": "Enter what you did"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("outcome", label_size=Size.SMALL, rows=4), button="Mark as done"
        )


class TaskReassignForm(_UserChoiceForm):
    owner = _radios("Who should do this task?", [], what="who should do the task")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("owner", legend_size=Size.SMALL), button="Reassign task")

    def clean_owner(self) -> User:
        return self._person()


class CaseReassignForm(_UserChoiceForm):
    person_field = "officer"
    officer = _radios("Who should hold the case?", [], what="who should hold the case")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("officer", legend_size=Size.SMALL), button="Reassign case")

    def clean_officer(self) -> User:
        return self._person()


class ReferralOutForm(ServiceForm):
    service = _radios("Which service?", ReferralService.choices, what="the service")
    service_name = forms.CharField(
        label="Name of the local service (optional)",
        help_text="Needed if you chose other service",
        required=False,
        max_length=150,
        error_messages={"max_length": "The name must be 150 characters or fewer"},
    )
    referred_on = GovDateField(label="When did you make the referral?", what="the date of the referral")
    notes = _textarea("Notes (optional)", help_text=NO_CONTACT_DETAILS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("service", legend_size=Size.SMALL, small=True),
            _text("service_name"),
            _date("referred_on"),
            Field.textarea("notes", label_size=Size.SMALL, rows=3),
            button="Save referral",
        )


class ReferralOutcomeForm(ServiceForm):
    outcome = _radios("What happened?", ReferralOutcome.choices, what="what happened")
    outcome_on = GovDateField(
        label="When did you hear? (optional if still waiting)",
        what="the date you heard",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("outcome", legend_size=Size.SMALL, small=True),
            _date("outcome_on"),
            button="Save outcome",
        )


KIND_FILTER_CHOICES = [("", "All kinds"), *TaskKind.choices]


class TaskFilterForm(forms.Form):
    """My tasks' filters, read from the query string; bad values fall back to defaults."""

    overdue = forms.BooleanField(label="Overdue only", required=False)
    kind = forms.ChoiceField(label="Kind of task", choices=KIND_FILTER_CHOICES, required=False)

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        return {
            "overdue_only": bool(self.cleaned_data.get("overdue")),
            "kind": self.cleaned_data.get("kind", ""),
        }
