"""The bulk import's upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class ImportForm(forms.Form):
    """Rendered by hand in its template: GOV.UK's enhanced file upload and a checkbox with a hint."""

    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One referral a row, in the columns the import guide describes. Up to 5 MB.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
    dry_run = forms.BooleanField(
        label="Check the file only (dry run)",
        required=False,
        help_text="Nothing is saved: you see what would be created, or what needs fixing.",
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max_bytes / (1024 * 1024)
        size = f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes // 1024} KB"
        self.max_bytes = max_bytes
        self.fields[
            "file"
        ].help_text = f"One referral a row, in the columns the import guide describes. Up to {size}."
        self.fields["file"].error_messages["too_large"] = f"The selected file must be smaller than {size}"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(self.fields["file"].error_messages["too_large"])
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        return upload
