"""The wording: plain English, every kind in both languages, and a sandbox admins cannot escape."""

from __future__ import annotations

import re

import pytest
import textstat
from django.urls import reverse

from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.letters import rendering, sandbox
from vcs_portal.letters.admin import sample_preview
from vcs_portal.letters.default_templates import DEFAULT_TEMPLATES
from vcs_portal.letters.models import LetterKind, LetterTemplate
from victims.models import Language

pytestmark = pytest.mark.django_db

ENGLISH = [(kind, subject, body) for kind, language, subject, body in DEFAULT_TEMPLATES if language == "en"]


def test_every_kind_has_english_and_welsh_wording():
    have = set(LetterTemplate.objects.values_list("kind", "language"))
    assert have == {(kind, language) for kind in LetterKind.values for language in Language.values}


@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_english_letter_is_plain_english(kind):
    """Flesch reading ease of at least 60 on the letter rendered with sample details."""
    template = LetterTemplate.objects.get(kind=kind, language=Language.ENGLISH)
    rendered = rendering.render_template(template, rendering.sample_values(Language.ENGLISH))
    score = textstat.flesch_reading_ease(sandbox.text_for_scoring(rendered.text))
    assert score >= 60, f"{kind}: reading ease {score:.1f}"


@pytest.mark.parametrize("kind", LetterKind.values)
def test_english_letters_stay_plain_without_the_vlos_paragraph(kind):
    template = LetterTemplate.objects.get(kind=kind, language=Language.ENGLISH)
    values = rendering.sample_values(Language.ENGLISH) | {
        "free_text": "The Board decided not to release him."
    }
    rendered = rendering.render_template(template, values)
    assert textstat.flesch_reading_ease(sandbox.text_for_scoring(rendered.text)) >= 60


@pytest.mark.parametrize("language", Language.values)
def test_the_annual_letter_requires_the_security_category_and_next_key_date(language):
    template = LetterTemplate.objects.get(kind=LetterKind.ANNUAL, language=language)
    rendered = rendering.render_template(template, rendering.sample_values(language))
    assert {"security_category", "next_key_date"} <= set(
        sandbox.compile_template(template.body, rendering.PLACEHOLDERS).required
    )
    assert rendering.sample_values(language)["security_category"] in rendered.text
    assert "no significant developments" not in rendered.text.lower()


@pytest.mark.parametrize("kind", LetterKind.values)
def test_no_wording_mentions_an_exact_date_or_a_prison_name(kind):
    for language in Language.values:
        template = LetterTemplate.objects.get(kind=kind, language=language)
        assert not re.search(r"\bHMP\b|\bHMYOI\b", template.body)
        assert "release_date" not in template.body


def test_the_release_letter_gives_the_month():
    template = LetterTemplate.objects.get(kind=LetterKind.RELEASE, language=Language.ENGLISH)
    rendered = rendering.render_template(template, rendering.sample_values(Language.ENGLISH))
    assert "released on licence in September 2027" in rendered.text


# --- the sandbox ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ settings.SECRET_KEY }}",
        "{{ offender_name.__class__ }}",
        "{{ offender_name.upper }}",
        "{{ offender_name|safe }}",
        "{{ secret }}",
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% now 'Y' %}",
        "{% csrf_token %}",
        "{% for x in offender_name %}{{ x }}{% endfor %}",
        "{% if settings.DEBUG %}x{% endif %}",
        "{{ offender_name",
    ],
)
def test_the_sandbox_refuses_anything_but_placeholders_and_if(source):
    with pytest.raises(sandbox.LetterTemplateError):
        sandbox.compile_template(source, rendering.PLACEHOLDERS)


def test_the_sandbox_knows_which_placeholders_are_required():
    compiled = sandbox.compile_template(
        "Dear {{ addressee }}{% if free_text %} {{ free_text }}{% endif %}{# a note #}",
        rendering.PLACEHOLDERS,
    )
    assert compiled.names == {"addressee", "free_text"}
    assert compiled.required == {"addressee"}


def test_the_sandbox_renders_only_plain_strings():
    compiled = sandbox.compile_template("{{ offender_name }}", rendering.PLACEHOLDERS)
    with pytest.raises(TypeError):
        sandbox.render_text(compiled, {"offender_name": object()})  # type: ignore[dict-item]


def test_values_are_never_evaluated_as_template_code():
    compiled = sandbox.compile_template("{{ free_text }}", rendering.PLACEHOLDERS)
    text = sandbox.render_text(compiled, {"free_text": "{{ settings.SECRET_KEY }} {% debug %}"})
    assert text == "{{ settings.SECRET_KEY }} {% debug %}"


def test_text_becomes_escaped_paragraphs_and_lists():
    html = sandbox.text_to_html("One <b>\nline two\n\n- a & b\n- <script>\n\nEnd")
    assert html == (
        "<p>One &lt;b&gt;<br>line two</p>\n<ul><li>a &amp; b</li><li>&lt;script&gt;</li></ul>\n<p>End</p>"
    )


# --- the admin --------------------------------------------------------------------------------


def test_admins_see_a_preview_with_the_reading_score(admin_client_verified):
    template = LetterTemplate.objects.get(kind=LetterKind.ANNUAL, language=Language.ENGLISH)
    response = admin_client_verified.get(reverse("admin:letters_lettertemplate_change", args=[template.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Your yearly update about Dan Marsh" in content
    assert "Reading ease:" in content
    assert "passes: plain English" in content


def test_the_preview_renders_welsh_wording_with_welsh_months():
    template = LetterTemplate.objects.get(kind=LetterKind.RELEASE, language=Language.WELSH)
    html, score = sample_preview(template)
    assert "mis Medi 2027" in html
    assert score is None


def test_admins_cannot_save_wording_that_escapes_the_sandbox(admin_client_verified):
    template = LetterTemplate.objects.get(kind=LetterKind.RECALL, language=Language.ENGLISH)
    url = reverse("admin:letters_lettertemplate_change", args=[template.pk])
    response = admin_client_verified.post(
        url, {"subject": "{{ secret_key }}", "body": "Hello {{ settings.SECRET_KEY }}"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "is not a placeholder letters can use" in content
    assert "Use a placeholder name on its own, without dots" in content
    template.refresh_from_db()
    assert "SECRET_KEY" not in template.body


def test_admins_edit_wording_and_it_is_audited(admin_client_verified, admin_user):
    template = LetterTemplate.objects.get(kind=LetterKind.RECALL, language=Language.ENGLISH)
    url = reverse("admin:letters_lettertemplate_change", args=[template.pk])
    response = admin_client_verified.post(url, {"subject": "Recall: {{ offender_name }}", "body": "Short."})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Recall: {{ offender_name }}"
    assert template.updated_by == admin_user
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="letters.LetterTemplate", object_id=str(template.pk)
    ).exists()


def test_vlos_cannot_reach_the_wording_admin(vlo_client):
    response = vlo_client.get(reverse("admin:letters_lettertemplate_changelist"))
    assert response.status_code in {302, 403}


def test_letters_themselves_are_not_in_the_admin(admin_client_verified):
    response = admin_client_verified.get("/admin/letters/letter/")
    assert response.status_code == 404
