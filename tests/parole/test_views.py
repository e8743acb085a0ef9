"""Parole pages: access for every view, forms that write, GOV.UK errors that write nothing, the panel."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from django.template import Context, Template
from django.urls import reverse

from contacts.models import Task, TaskKind
from offenders.models import SentenceType
from parole.models import (
    ConditionOutcome,
    HospitalManagersReferral,
    LicenceConditionRequest,
    MultiAgencyMeeting,
    ParoleOutcome,
    ParoleReview,
    ReconsiderationRequest,
    TribunalHearing,
    VictimPersonalStatement,
)
from tests.parole.factories import (
    ConditionFactory,
    MeetingFactory,
    ParoleReviewFactory,
    StatementFactory,
    TribunalHearingFactory,
)
from vcs_portal.core.models import AuditAction, AuditEvent
from victims.selectors import case_get_for_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def make_case(make_case):
    """Cases on a life sentence passed in March 2012, unless a test says otherwise."""
    return partial(make_case, sentence_type=SentenceType.LIFE)


@pytest.fixture
def case(make_case, vlo):
    return make_case(vlo, reference="VCS-2026-000007")


@pytest.fixture
def review(case):
    return ParoleReviewFactory(
        sentence=case.sentence, referred_on=dt.date(2026, 3, 2), hearing_on=dt.date(2026, 8, 12)
    )


@pytest.fixture
def world(make_case, vlo, case, review):
    """A case with one of everything, so every page has something to show."""
    restricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37_41)
    unrestricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37)
    return {
        "case": case,
        "review": review,
        "statement": StatementFactory(case=case, review=review),
        "decided": ParoleReviewFactory(
            sentence=case.sentence,
            referred_on=dt.date(2025, 1, 6),
            hearing_on=dt.date(2025, 5, 1),
            outcome=ParoleOutcome.NO_RELEASE,
            decision_on=TODAY,
        ),
        "condition": ConditionFactory(case=case),
        "restricted": restricted,
        "hearing": TribunalHearingFactory(case=restricted),
        "unrestricted": unrestricted,
    }


def d(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def writes() -> int:
    return AuditEvent.objects.exclude(
        action__in=[AuditAction.VIEW, AuditAction.DOWNLOAD, AuditAction.DENIED]
    ).count()


PAGES = {
    "review_new": lambda w: [w["case"].pk],
    "review_edit": lambda w: [w["case"].pk, w["review"].pk],
    "review_decision": lambda w: [w["case"].pk, w["review"].pk],
    "reconsideration_new": lambda w: [w["case"].pk, w["decided"].pk],
    "vps_invite": lambda w: [w["case"].pk, w["decided"].pk],
    "vps_progress": lambda w: [w["case"].pk, w["review"].pk],
    "condition_new": lambda w: [w["case"].pk],
    "condition_sent": lambda w: [w["case"].pk, w["condition"].pk],
    "condition_outcome": lambda w: [w["case"].pk, w["condition"].pk],
    "tribunal_new": lambda w: [w["restricted"].pk],
    "tribunal_edit": lambda w: [w["restricted"].pk, w["hearing"].pk],
    "hospital_referral_new": lambda w: [w["unrestricted"].pk],
    "meeting_new": lambda w: [w["case"].pk],
    "om_summary": lambda w: [w["case"].pk],
}


# --- access: every view ---------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(reverse(f"parole:{name}", args=PAGES[name](world)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("name", PAGES)
def test_outsider_gets_404(outsider_client, world, name):
    assert outsider_client.get(reverse(f"parole:{name}", args=PAGES[name](world))).status_code == 404


@pytest.mark.parametrize("name", [n for n in PAGES if n != "om_summary"])
def test_outsider_post_gets_404_and_writes_nothing(outsider_client, world, name):
    before = writes()
    response = outsider_client.post(reverse(f"parole:{name}", args=PAGES[name](world)), {})
    assert response.status_code == 404
    assert writes() == before


@pytest.mark.parametrize("name", PAGES)
def test_team_vlo_sees_the_page(vlo_client, world, name):
    assert vlo_client.get(reverse(f"parole:{name}", args=PAGES[name](world))).status_code == 200


def test_teammate_sees_the_page(signed_in, teammate, world):
    assert (
        signed_in(teammate).get(reverse("parole:condition_new", args=[world["case"].pk])).status_code == 200
    )


def test_review_of_another_sentence_is_404_through_this_case(make_case, vlo_client, vlo, case):
    other = make_case(vlo)
    foreign = ParoleReviewFactory(sentence=other.sentence, referred_on=dt.date(2026, 3, 2))
    for name in ("review_edit", "review_decision", "vps_invite", "reconsideration_new"):
        assert vlo_client.get(reverse(f"parole:{name}", args=[case.pk, foreign.pk])).status_code == 404


def test_condition_of_another_case_is_404_through_this_case(make_case, vlo_client, vlo, case):
    foreign = ConditionFactory(case=make_case(vlo))
    assert vlo_client.get(reverse("parole:condition_outcome", args=[case.pk, foreign.pk])).status_code == 404


def test_condition_new_url_is_reached_by_name_with_the_case(case):
    assert reverse("parole:condition_new", args=[case.pk]) == f"/parole/cases/{case.pk}/conditions/new/"


# --- forms that write -----------------------------------------------------------------------


def test_review_new_records_a_review_and_returns_to_the_case(vlo_client, case):
    response = vlo_client.post(
        reverse("parole:review_new", args=[case.pk]),
        {**d("referred_on", dt.date(2026, 5, 1)), "kind": "oral", **d("hearing_on", dt.date(2026, 9, 1))},
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:parole", args=[case.pk])
    assert ParoleReview.objects.get().hearing_on == dt.date(2026, 9, 1)


def test_vps_invite_records_the_invitation_and_the_task(vlo_client, case, review):
    response = vlo_client.post(
        reverse("parole:vps_invite", args=[case.pk, review.pk]), d("invited_on", TODAY)
    )
    assert response.status_code == 302
    assert VictimPersonalStatement.objects.filter(case=case, review=review).exists()
    assert Task.objects.filter(case=case, kind=TaskKind.VPS_DUE).count() == 1


def test_vps_invite_when_already_invited_goes_to_the_update_page(vlo_client, case, review):
    StatementFactory(case=case, review=review)
    response = vlo_client.get(reverse("parole:vps_invite", args=[case.pk, review.pk]))
    assert response.url == reverse("parole:vps_progress", args=[case.pk, review.pk])


def test_condition_outcome_not_imposed_records_the_reason_and_a_task(vlo_client, case):
    condition = ConditionFactory(case=case)
    response = vlo_client.post(
        reverse("parole:condition_outcome", args=[case.pk, condition.pk]),
        {"outcome": "not_imposed", "outcome_reason": "Not proportionate", **d("outcome_on", TODAY)},
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.outcome == ConditionOutcome.NOT_IMPOSED
    assert Task.objects.get(kind=TaskKind.CONDITION_REFUSED).title == (
        "Explain to the victim why the no-contact condition was not imposed"
    )


def test_meeting_new_records_a_marac_without_a_level(vlo_client, case):
    response = vlo_client.post(
        reverse("parole:meeting_new", args=[case.pk]),
        {"kind": "marac", "level": "2", **d("held_on", TODAY), "views_put_forward": "Wants no contact"},
    )
    assert response.status_code == 302
    assert MultiAgencyMeeting.objects.get().level == ""


def test_tribunal_new_for_an_unrestricted_patient_shows_the_hospital_managers_route(
    make_case, vlo_client, vlo
):
    unrestricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37)
    response = vlo_client.get(reverse("parole:tribunal_new", args=[unrestricted.pk]))
    body = text(response)
    assert "goes to the hospital managers, not to the Mental Health Tribunal" in body
    assert reverse("parole:hospital_referral_new", args=[unrestricted.pk]) in body
    assert "<form" not in body.split('id="main-content"')[1]


def test_tribunal_new_post_for_an_unrestricted_patient_writes_nothing(make_case, vlo_client, vlo):
    unrestricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37)
    vlo_client.post(reverse("parole:tribunal_new", args=[unrestricted.pk]), d("applied_on", TODAY))
    assert not TribunalHearing.objects.exists()


def test_tribunal_new_defaults_to_the_welsh_tribunal_in_wales(make_case, outsider_client, outsider):
    welsh = make_case(outsider, sentence_type=SentenceType.HOSPITAL_S37_41)
    body = text(outsider_client.get(reverse("parole:tribunal_new", args=[welsh.pk])))
    assert re.search(r'value="wales"[^>]*checked', body)


def test_hospital_referral_new_records_the_referral(make_case, vlo_client, vlo):
    unrestricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37)
    response = vlo_client.post(
        reverse("parole:hospital_referral_new", args=[unrestricted.pk]),
        {**d("referred_on", TODAY), "hospital": "Riverside Hospital", "contact_name": ""},
    )
    assert response.status_code == 302
    assert HospitalManagersReferral.objects.get().case == unrestricted


# --- bad input: GOV.UK errors, nothing written ----------------------------------------------


def assert_error_page(response, message: str) -> None:
    body = text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "<title>Error: " in body
    assert message in body


def test_empty_condition_form_shows_errors_and_writes_nothing(vlo_client, case):
    before = writes()
    response = vlo_client.post(reverse("parole:condition_new", args=[case.pk]), {})
    assert_error_page(response, "Choose the condition")
    assert "Enter the date of the request" in text(response)
    assert not LicenceConditionRequest.objects.exists()
    assert writes() == before


def test_exclusion_zone_without_a_description_shows_the_error_beside_the_field(vlo_client, case):
    response = vlo_client.post(
        reverse("parole:condition_new", args=[case.pk]),
        {"kind": "exclusion_zone", "description": "", **d("requested_on", TODAY)},
    )
    assert_error_page(response, "Describe the exclusion zone")
    assert 'href="#id_description"' in text(response)
    assert not LicenceConditionRequest.objects.exists()


def test_vps_received_without_disclosure_shows_the_error_and_writes_nothing(vlo_client, case, review):
    statement = StatementFactory(case=case, review=review)
    before = writes()
    response = vlo_client.post(
        reverse("parole:vps_progress", args=[case.pk, review.pk]),
        {**d("received_on", TODAY), "wants_to_read": "no", "non_disclosure": "no"},
    )
    assert_error_page(response, "disclosed to the offender before recording it as received")
    statement.refresh_from_db()
    assert statement.received_on is None
    assert writes() == before


def test_late_reconsideration_shows_the_closed_window_and_writes_nothing(vlo_client, case):
    late = ParoleReviewFactory(
        sentence=case.sentence,
        referred_on=dt.date(2026, 1, 5),
        outcome=ParoleOutcome.RELEASE,
        decision_on=dt.date(2026, 5, 1),
    )
    response = vlo_client.post(
        reverse("parole:reconsideration_new", args=[case.pk, late.pk]), d("requested_on", TODAY)
    )
    assert_error_page(response, "closed on 22 May 2026")
    assert not ReconsiderationRequest.objects.exists()


def test_reconsideration_page_for_open_conditions_explains_and_has_no_form(vlo_client, case):
    review = ParoleReviewFactory(
        sentence=case.sentence,
        referred_on=dt.date(2026, 1, 5),
        outcome=ParoleOutcome.OPEN_RECOMMENDED,
        decision_on=TODAY,
    )
    response = vlo_client.get(reverse("parole:reconsideration_new", args=[case.pk, review.pk]))
    body = text(response)
    assert "A recommendation for open conditions cannot be reconsidered" in body
    assert "Save request" not in body


def test_vis_before_25_june_2025_shows_the_error(make_case, vlo_client, vlo):
    restricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37_41)
    response = vlo_client.post(
        reverse("parole:tribunal_new", args=[restricted.pk]),
        {
            **d("applied_on", dt.date(2025, 6, 1)),
            "tribunal": "england",
            "victim_impact_statement": "Conditions please",
            "decision": "",
        },
    )
    assert_error_page(response, "only be made for an application made on or after 25 June 2025")
    assert not TribunalHearing.objects.exists()


def test_bad_date_shows_the_gov_uk_message(vlo_client, case):
    response = vlo_client.post(
        reverse("parole:meeting_new", args=[case.pk]),
        {
            "kind": "mappa",
            "level": "1",
            "held_on_0": "31",
            "held_on_1": "2",
            "held_on_2": "2026",
            "views_put_forward": "x",
        },
    )
    assert_error_page(response, "The date of the meeting must be a real date")
    assert not MultiAgencyMeeting.objects.exists()


# --- the case page's Parole and tribunals tab and its panel ---------------------------------------


def test_case_page_shows_the_parole_panel_with_the_imposed_share(vlo_client, case, review):
    ConditionFactory(case=case, outcome="imposed", outcome_on=TODAY)
    ConditionFactory(case=case, outcome="not_imposed", outcome_on=TODAY, outcome_reason="Not needed")
    body = text(vlo_client.get(reverse("cases:parole", args=[case.pk])))
    assert "Parole and tribunal" in body
    assert "Imposed: 1 of 2 decided (50%)" in body
    assert reverse("parole:condition_new", args=[case.pk]) in body
    assert reverse("parole:om_summary", args=[case.pk]) in body


def test_panel_shows_the_vps_due_date_and_the_reconsideration_window(vlo_client, case, review):
    StatementFactory(case=case, review=review)
    body = text(vlo_client.get(reverse("cases:parole", args=[case.pk])))
    assert "Due to the Board by 15 July 2026" in body
    review.outcome, review.decision_on = ParoleOutcome.RELEASE, TODAY
    review.save()
    body = text(vlo_client.get(reverse("cases:parole", args=[case.pk])))
    assert "Window open until 1 July 2026" in body


def test_panel_shows_tribunal_work_only_for_restricted_patients(make_case, vlo_client, vlo, case):
    restricted = make_case(vlo, sentence_type=SentenceType.HOSPITAL_S37_41)
    assert "Mental Health Tribunal" in text(vlo_client.get(reverse("cases:parole", args=[restricted.pk])))
    assert "Mental Health Tribunal" not in text(vlo_client.get(reverse("cases:parole", args=[case.pk])))


def _render_panel(case_pk, user):
    case = case_get_for_user(user=user, pk=case_pk)
    return Template("{% load parole_tags %}{% parole_case_panel case %}").render(Context({"case": case}))


def test_panel_query_count_does_not_grow_with_rows(vlo, case, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def populate(n):
        for i in range(n):
            review = ParoleReviewFactory(
                sentence=case.sentence, referred_on=dt.date(2025, 1, 1) + dt.timedelta(days=i)
            )
            StatementFactory(case=case, review=review)
            ConditionFactory(case=case, outcome="imposed", outcome_on=TODAY)
            MeetingFactory(case=case)

    populate(1)
    with CaptureQueriesContext(connection) as one_row:
        _render_panel(case.pk, vlo)
    populate(19)
    with django_assert_num_queries(len(one_row)):
        _render_panel(case.pk, vlo)


# --- the offender manager summary -----------------------------------------------------------


def test_om_summary_html_is_audited_as_a_download(vlo_client, vlo, case):
    response = vlo_client.get(reverse("parole:om_summary", args=[case.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert (event.actor, event.object_type, event.object_id) == (vlo, "victims.Case", str(case.pk))


def test_om_summary_pdf_is_an_attachment_audited_as_a_download(vlo_client, case):
    response = vlo_client.get(reverse("parole:om_summary", args=[case.pk]) + "?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="offender-manager-summary-VCS-2026-000007.pdf"'
    )
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, summary__contains="PDF").count() == 1
