"""Sign-in forms: email and password, then the six-digit code."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm

GENERIC_SIGN_IN_ERROR = "Enter a correct email address and password"


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
