"""The one case form page (victims/pages.py) and its template, victims/case_form.html."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from tests.victims.factories import CaseFactory
from vcs_portal.core.forms import ServiceForm
from victims.pages import case_form_page

pytestmark = pytest.mark.django_db


class NoteForm(ServiceForm):
    note = forms.CharField()


def request_for(user, method: str = "get", data: dict | None = None):
    request = getattr(RequestFactory(), method)("/page/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def case(vlo):
    return CaseFactory(team=vlo.team, officer=vlo, reference="VCS-2026-000009")


def page(vlo, case, method="get", data=None, **kwargs):
    kwargs.setdefault("form", NoteForm(data) if method == "post" else NoteForm())
    return case_form_page(request_for(vlo, method, data), case=case, title="Write a note", **kwargs)


def test_the_page_shows_rows_inset_and_warning(vlo, case):
    html = page(vlo, case, rows=[("Due", "1 May 2026")], inset="A hint", warning="Take care").content.decode()

    assert '<h1 class="govuk-heading-l">Write a note</h1>' in html
    assert '<dt class="govuk-summary-list__key">Due</dt>' in html
    assert '<div class="govuk-inset-text">A hint</div>' in html
    assert "Take care" in html and "govuk-warning-text" in html


def test_the_back_links_go_to_the_case_by_default(vlo, case):
    html = page(vlo, case).content.decode()

    assert f'href="/cases/{case.pk}/" class="govuk-back-link">Back to case VCS-2026-000009</a>' in html
    assert "Cancel and go back to the case" in html


def test_the_back_links_go_where_the_caller_says(vlo, case):
    html = page(vlo, case, back_url="/tasks/", back_text="Back").content.decode()

    assert 'href="/tasks/" class="govuk-back-link">Back</a>' in html
    assert '<a class="govuk-link" href="/tasks/">Cancel and go back</a>' in html


def test_without_a_form_the_page_only_says_why(vlo, case):
    html = page(vlo, case, form=None, intro="This case is closed.").content.decode()

    assert "This case is closed." in html
    assert "<form" not in html.split("</header>")[-1].split("<footer")[0]
    assert "Go back to the case" in html


def test_a_valid_post_saves_flashes_and_goes_to_the_case(vlo, case):
    saved = []
    request = request_for(vlo, "post", {"note": "Called"})

    response = case_form_page(
        request,
        case=case,
        form=NoteForm(request.POST),
        title="Write a note",
        save=saved.append,
        success="Saved",
    )

    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/")
    assert saved == [{"note": "Called"}]
    assert [str(m) for m in get_messages(request)] == ["Saved"]


def test_a_post_goes_to_done_url_when_given(vlo, case):
    response = page(vlo, case, "post", {"note": "Called"}, save=lambda d: None, done_url="/tasks/")

    assert response["Location"] == "/tasks/"


def test_a_service_error_is_shown_on_the_form_again(vlo, case):
    def refuse(data):
        raise ValidationError({"note": "Not today"})

    response = page(vlo, case, "post", {"note": "Called"}, save=refuse)

    assert response.status_code == 200
    assert "Not today" in response.content.decode()
