"""The base of every referral question page, its field helpers, and the officer question."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Fixed, Size
from django import forms
from django.utils.html import format_html

from vcs_portal.core.forms import gds_helper
from vcs_portal.core.models import User
from vcs_portal.core.pages import govuk_date

from ..referrals import officers_for

NEW = "new"


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
