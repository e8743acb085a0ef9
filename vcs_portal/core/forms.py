"""Sign-in forms: email and password, then the six-digit code."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

GENERIC_SIGN_IN_ERROR = "Enter a correct email address and password"
DATE_HINT = "For example, 27 3 2026"


def gds_helper(*fields: Any, button: str = "Continue") -> FormHelper:
    """A crispy helper for a GOV.UK form that leaves validation to the server."""
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class SignInForm(AuthenticationForm):
    """The same message whether the address is unknown, the password wrong or the user inactive."""

    error_messages = {
        "invalid_login": GENERIC_SIGN_IN_ERROR,
        "inactive": GENERIC_SIGN_IN_ERROR,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(autocomplete="username", spellcheck="false")
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = gds_helper(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            button="Sign in",
        )
        self.helper.form_tag = False  # the template's own <form> carries the "next" field


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        error_messages={"required": "Enter the 6-digit security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, button: str = "Continue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("code", field_width=5), button=button)
        self.helper.form_tag = False  # the template's own <form> carries the "next" field

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the 6-digit security code")
        return code


class GovDateField(DateInputField):
    """The one GOV.UK date input (day, month, year), with the Design System's error messages.

    ``what`` names the date in the messages: "the date of birth" gives "Enter the date of birth",
    "The date of birth must include a day and month", "The date of birth must be a real date".
    ``past`` requires a date before today; ``not_future`` allows today too (services check the
    rules again). Only the parts at fault are marked, as the pattern asks.
    """

    def __init__(self, *, what: str, past: bool = False, not_future: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(**kwargs)
        self.what = what
        self.past = past
        self.not_future = not_future

    def _fail(self, message: str, code: str, parts: tuple[int, ...] = ()) -> ValidationError:
        # crispy-forms-gds marks only the parts whose widget carries the message (all if none do).
        for index in parts:
            self.fields[index].widget.errors = [message]
        return ValidationError(message, code=code)

    def clean(self, value: Any) -> date | None:
        for field in self.fields:
            field.widget.errors = []
        parts = [str(p).strip() if p is not None else "" for p in [*(value or []), "", "", ""][:3]]
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {self.what}", code="required")
            return None
        what = self.what[0].upper() + self.what[1:]
        missing = tuple(i for i, p in enumerate(parts) if not p)
        if missing:
            names = " and ".join(("day", "month", "year")[i] for i in missing)
            raise self._fail(f"{what} must include a {names}", "incomplete", missing)
        if not all(p.isdigit() for p in parts):
            wrong = tuple(i for i, p in enumerate(parts) if not p.isdigit())
            raise self._fail(f"{what} must be a real date", "invalid", wrong)
        if len(parts[2]) != 4:
            raise self._fail("Year must include 4 numbers", "invalid", (2,))
        try:
            day = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError as exc:
            raise ValidationError(f"{what} must be a real date", code="invalid") from exc
        today = timezone.localdate()
        if self.past and day >= today:
            raise ValidationError(f"{what} must be in the past", code="future")
        if self.not_future and day > today:
            raise ValidationError(f"{what} must be today or in the past", code="future")
        return day


class ServiceForm(forms.Form):
    """A form that can show a service's ``ValidationError`` beside the fields it names."""

    # Service error keys that belong to a differently named field on this form.
    error_aliases: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for key, errors in exc.error_dict.items():
            name = self.error_aliases.get(key, key)
            for error in errors:
                self.add_error(name if name in self.fields else None, error)


# --- Search-as-you-type for long lists ----------------------------------------------------

# The attribute static/js/application.js looks for: it turns such a <select> into alphagov's
# accessible-autocomplete (docs/frontend.md "Search as you type"). Without JavaScript, or
# before the script loads, the <select> works as it is, so the form needs no other change.
AUTOCOMPLETE_ATTRS = {"data-module": "app-autocomplete"}


class AutocompleteSelect(forms.Select):
    """A ``<select>`` that becomes search-as-you-type where JavaScript runs.

    Use it for a long list (the 243 offences of the catalogue, a prison register):
    ``forms.ModelChoiceField(..., widget=AutocompleteSelect)``. The empty choice stays the
    "Choose ..." prompt; typing filters the options by any word in them.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs={**AUTOCOMPLETE_ATTRS, **(attrs or {})}, choices=choices)
