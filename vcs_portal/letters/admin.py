"""Admins edit the wording of letters here, with a preview on made-up data.

Only ``LetterTemplate`` is registered: letters themselves hold victims' details and stay in the
service's own pages. Wording is checked by the sandbox on save, so a template that reaches for
anything but its placeholders is refused with the reason.
"""

from __future__ import annotations

from typing import Any

import textstat
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from vcs_portal.core.admin_audit import AuditedAdmin
from vcs_portal.core.models import Role
from victims.models import Language

from . import rendering, sandbox
from .models import LetterTemplate

MIN_READING_EASE = 60


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (user.role == Role.ADMIN or user.is_superuser))


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100})}

    def _check(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        try:
            sandbox.compile_template(value, rendering.PLACEHOLDERS.keys())
        except sandbox.LetterTemplateError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value

    def clean_subject(self) -> str:
        return self._check("subject")

    def clean_body(self) -> str:
        return self._check("body")


def sample_preview(template: LetterTemplate) -> tuple[SafeString, float | None]:
    """The letter on made-up data, and its reading-ease score (English only)."""
    values = rendering.sample_values(template.language)
    rendered = rendering.render_template(template, values)
    view = rendering.LetterView(
        language=template.language,
        branded=True,
        addressee=values["addressee"],
        address_lines=("1 Example Street", "Salford", "M5 4WT"),
        reference=values["reference"],
        letter_date=values["letter_date"],
        subject=rendered.subject,
        body_html=rendered.html,
        signatory=values["officer_name"],
    )
    score = None
    if template.language == Language.ENGLISH:
        score = textstat.flesch_reading_ease(sandbox.text_for_scoring(rendered.text))
    return rendering.letter_fragment_html(view), score


@admin.register(LetterTemplate)
class LetterTemplateAdmin(AuditedAdmin):
    form = LetterTemplateForm
    list_display = ["kind", "language", "subject", "updated_at", "updated_by"]
    list_filter = ["language", "kind"]
    search_fields = ["subject", "body"]
    readonly_fields = ["placeholders", "preview", "updated_at", "updated_by"]
    fieldsets = (
        (None, {"fields": ("kind", "language", "subject", "body")}),
        ("What you can use", {"fields": ("placeholders",)}),
        ("Preview with made-up details (save to refresh)", {"fields": ("preview",)}),
        ("Changes", {"fields": ("updated_at", "updated_by")}),
    )

    class Media:
        css = {"all": ["letters/letter.css"]}

    def get_readonly_fields(self, request: HttpRequest, obj: LetterTemplate | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "kind", "language"] if obj else fields

    @admin.display(description="Placeholders")
    def placeholders(self, obj: LetterTemplate | None = None) -> SafeString:
        rows = format_html_join(
            "",
            "<li><code>{{{{ {} }}}}</code>: {}</li>",
            ((n, d) for n, (d, _) in rendering.PLACEHOLDERS.items()),
        )
        return format_html(
            "<p>Write plain text. A blank line starts a new paragraph; a line starting “- ” is a "
            "bullet. Use <code>{{% if name %}}…{{% endif %}}</code> for words that appear only when a "
            "value is known. A placeholder outside an <code>if</code> must have a value before a "
            "letter can be approved.</p><ul>{}</ul>",
            rows,
        )

    @admin.display(description="Preview")
    def preview(self, obj: LetterTemplate | None = None) -> SafeString | str:
        if obj is None or not obj.pk:
            return "Save the wording to see a preview."
        try:
            html, score = sample_preview(obj)
        except sandbox.LetterTemplateError as exc:
            return format_html("<strong>{}</strong>", exc)
        verdict = ""
        if score is not None:
            verdict = format_html(
                "<p><strong>Reading ease: {}</strong> (Flesch; {} needs at least {}).</p>",
                f"{score:.0f}",
                "passes: plain English" if score >= MIN_READING_EASE else "too hard to read: plain English",
                MIN_READING_EASE,
            )
        return format_html('{}<div class="app-letter-preview">{}</div>', verdict, html)

    def save_model(self, request: HttpRequest, obj: LetterTemplate, form: Any, change: bool) -> None:
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)  # audited by AuditedAdmin, wording before and after

    # Admins manage wording; the core user model grants admin rights per app label, and this app's
    # other model (Letter) is never registered here, so the rights are given on this model alone.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request) or super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Every kind needs its wording: edit it instead."""
        return False
