"""Forms for the letter pages. They check shape; ``services`` check the rules."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from vcs_portal.core.forms import GovDateField, ServiceForm, gds_helper
from victims.models import Case

from .models import LetterKind, LetterStatus, SentVia
from .services import OUT_OF_SCHEME

FREE_TEXT_MAX = 3000


class LetterKindForm(ServiceForm):
    """Choose which letter to draft; a victim outside the scheme is offered only the opt-out confirmation."""

    kind = forms.ChoiceField(
        label="Which letter do you want to draft?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a letter", "invalid_choice": "Choose one of the letters shown"},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [LetterKind.OPT_OUT] if case.status in OUT_OF_SCHEME else list(LetterKind)
        self.fields["kind"].choices = [(k.value, str(k.label)) for k in kinds]
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.MEDIUM, legend_tag="h2"), button="Draft the letter"
        )


class FreeTextForm(ServiceForm):
    free_text = forms.CharField(
        label="Your paragraph",
        help_text=(
            "Say what has happened and what it means for the victim, in short sentences. Give months, "
            "not exact dates. Never say where the offender is held. Leave it empty if the letter "
            "says enough."
        ),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"Your paragraph must be {FREE_TEXT_MAX} characters or fewer"},
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea(
                "free_text", rows=6, max_characters=FREE_TEXT_MAX, label_size=Size.MEDIUM, label_tag="h2"
            ),
            button="Save and preview",
        )
        self.helper.form_action = action


class MarkSentForm(ServiceForm):
    sent_via = forms.ChoiceField(
        label="How did the letter go out?",
        choices=SentVia.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the letter was sent"},
    )
    sent_on = GovDateField(
        label="When was it sent? (leave blank for today)",
        what="the date the letter was sent",
        required=False,
        help_text="Up to 30 days ago, for example a letter posted on Friday and recorded on Monday.",
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("sent_via", legend_size=Size.SMALL, inline=True),
            Field("sent_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            button="Mark as sent",
        )
        self.helper.form_action = action


STATUS_FILTER = [("", "To do (drafts and approved)"), *LetterStatus.choices]


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTER, required=False)

    def status_value(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""
