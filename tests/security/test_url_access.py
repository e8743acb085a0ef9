"""Every URL pattern has an access test: a user of another region gets 404, and it is audited.

When a new URL pattern appears, ``test_every_url_pattern_is_covered`` fails until the
pattern is added to one of the tables below, with the objects its URL needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.contacts.factories import ContactFactory, ReferralOutFactory, TaskFactory
from tests.exchange.factories import api_client_make, domain_event
from tests.factories import ManagerFactory
from tests.victims.factories import CaseFactory
from vcs_portal.core.models import AuditAction, AuditEvent
from vcs_portal.exchange.models import InboundEvent
from vcs_portal.exchange.services import consultation_open, inbound_event_receive
from vcs_portal.letters.models import Letter, LetterKind
from victims.models import ImportJob

pytestmark = pytest.mark.django_db

# Open to anyone (sign-in and health) or to any signed-in user whatever their region.
PUBLIC = {
    "core:home",
    "core:login",
    "core:mfa_verify",
    "core:mfa_setup",
    "core:logout",
    "core:healthz",
    # The exchange API's schema, and its root (which serves nothing).
    "api:openapi-json",
    "api:api-root",
    # The footer's content pages: nothing about anyone.
    "core:help",
    "core:accessibility",
    "core:privacy",
}

# The exchange API: a bearer token, never a session. tests/exchange/test_api.py gives each
# endpoint the trio (no token 401, another region's offender or another client's object 404,
# permitted 2xx); here, a signed-in session without a token is refused.
TOKEN_API = {
    "api:events_post",
    "api:events_get",
    "api:consultations_post",
    "api:consultations_get",
    "api:webhooks_post",
    "api:webhooks_list",
    "api:webhooks_delete",
}

# Lists and start pages: an outsider gets their own (empty) view or a 404 for their role,
# never region A's rows. The value is a function of the world giving the URL kwargs.
LISTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "operations:audit": lambda w: {},
    "operations:subject_access": lambda w: {},
    "victims:caseload": lambda w: {},
    "cases:search": lambda w: {},  # with a term: tests/cases/test_search_views.py
    "victims:referral_start": lambda w: {},
    "victims:referral_step": lambda w: {"step": "offender"},
    "victims:referral_import": lambda w: {},
    "contacts:my_tasks": lambda w: {},
    "letters:list": lambda w: {},
    "letters:bulk_print": lambda w: {},
    "dashboards:team": lambda w: {},
    "dashboards:region": lambda w: {},
    "dashboards:performance": lambda w: {},
    "dashboards:list": lambda w: {},
    "exchange:inbound_review": lambda w: {},
}


def case_kw(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["case"].pk}


# Pages about one object in region A: an outsider must get 404, audited as refused.
OBJECTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "cases:detail": case_kw,
    "cases:history": case_kw,
    "cases:contacts": case_kw,
    "cases:letters": case_kw,
    "cases:parole": case_kw,
    "cases:tasks": case_kw,
    "victims:case_status": case_kw,
    "contacts:event_new": case_kw,
    "contacts:key_date_new": case_kw,
    "contacts:appeal": case_kw,
    "victims:case_review": case_kw,
    "victims:case_context": case_kw,
    "victims:case_discretion": case_kw,
    "victims:opt_in": case_kw,
    "victims:opt_out": case_kw,
    "victims:address_change": case_kw,
    "victims:preferences": case_kw,
    "victims:contact_level": case_kw,
    "victims:restriction_add": case_kw,
    "victims:restriction_lift": lambda w: {"pk": w["case"].pk, "restriction_pk": 1},
    "victims:safety_concern_add": case_kw,
    "contacts:task_complete": lambda w: {"pk": w["task"].pk},
    "contacts:task_reassign": lambda w: {"pk": w["task"].pk},
    "contacts:task_new": case_kw,
    "contacts:case_reassign": case_kw,
    "contacts:case_contacts": case_kw,
    "contacts:contact_new": case_kw,
    "contacts:contact_correct": lambda w: {"pk": w["contact"].pk},
    "contacts:referral_out_new": case_kw,
    "contacts:referral_out_outcome": lambda w: {"pk": w["referral"].pk},
    "parole:review_new": case_kw,
    "parole:review_edit": lambda w: {"pk": w["case"].pk, "review_pk": 1},
    "parole:review_decision": lambda w: {"pk": w["case"].pk, "review_pk": 1},
    "parole:reconsideration_new": lambda w: {"pk": w["case"].pk, "review_pk": 1},
    "parole:vps_invite": lambda w: {"pk": w["case"].pk, "review_pk": 1},
    "parole:vps_progress": lambda w: {"pk": w["case"].pk, "review_pk": 1},
    "parole:condition_new": case_kw,
    "parole:condition_sent": lambda w: {"pk": w["case"].pk, "condition_pk": 1},
    "parole:condition_outcome": lambda w: {"pk": w["case"].pk, "condition_pk": 1},
    "parole:tribunal_new": case_kw,
    "parole:tribunal_edit": lambda w: {"pk": w["case"].pk, "hearing_pk": 1},
    "parole:hospital_referral_new": case_kw,
    "parole:meeting_new": case_kw,
    "parole:om_summary": case_kw,
    "letters:case_new": lambda w: {"case_pk": w["case"].pk},
    "letters:detail": lambda w: {"pk": w["letter"].pk},
    "letters:approve": lambda w: {"pk": w["letter"].pk},
    "letters:mark_sent": lambda w: {"pk": w["letter"].pk},
    "letters:cancel": lambda w: {"pk": w["letter"].pk},
    "letters:pdf": lambda w: {"pk": w["letter"].pk},
    "exchange:consultation": lambda w: {"pk": w["consultation"].pk},
    "exchange:inbound_reviewed": lambda w: {"pk": w["inbound_event"].pk},
    "victims:referral_import_job": lambda w: {"pk": w["import_job"].pk},
}

# A manager's bulk actions on a list (POST only): an outsider names region A's rows and nothing changes.
BULK: dict[str, tuple[str, str, str]] = {
    "contacts:cases_reassign": ("case", "case", "officer"),
    "contacts:tasks_reassign": ("task", "task", "owner"),
}


def url_names() -> set[str]:
    """Every named URL pattern outside the Django admin (which needs an admin with MFA)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner != "admin":
                    walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_pattern_is_covered():
    covered = PUBLIC | set(LISTS) | set(OBJECTS) | TOKEN_API | set(BULK)
    missing = sorted(url_names() - covered)
    assert not missing, f"URL patterns without an access test (add them to tests/security): {missing}"
    stale = sorted(covered - url_names())
    assert not stale, f"Access tests for URL patterns that no longer exist: {stale}"


def _unmatched_event(client: Any) -> InboundEvent:
    inbound_event_receive(client=client, body=json.dumps(domain_event("Z9999ZZ")).encode())
    return InboundEvent.objects.get(client=client)


@pytest.fixture
def world(vlo, manager, team_a1) -> dict[str, Any]:
    case = CaseFactory(team=team_a1, officer=vlo, victim__last_name="Quillfeather-Zebedee")
    prison, _ = api_client_make(team_a1.region)
    return {
        "case": case,
        "consultation": consultation_open(
            client=prison, offender=case.offender, kind="recall", due_on=timezone.localdate(), question="?"
        ),
        # An event for an offender nobody has: kept for a manager of region A to review.
        "inbound_event": _unmatched_event(prison),
        "task": TaskFactory(case=case, owner=vlo),
        "contact": ContactFactory(case=case, author=vlo),
        "referral": ReferralOutFactory(case=case, recorded_by=vlo),
        "letter": Letter.objects.create(
            case=case,
            kind=LetterKind.OFFER,
            language="en",
            period_key="security-test",
            subject="Offer",
            body_html="<p>Offer</p>",
        ),
        "import_job": ImportJob.objects.create(created_by=manager, file_name="referrals.csv"),
    }


@pytest.fixture(params=["vlo", "manager"])
def outsider_client(request, outsider, team_b1, signed_in):
    """A VLO, and a manager, of another region."""
    if request.param == "vlo":
        return outsider, signed_in(outsider)
    boss = ManagerFactory(region=team_b1.region, managed_teams=[team_b1])
    return boss, signed_in(boss)


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_outsider_gets_404_for_every_object_page_and_it_is_audited(name, world, outsider_client):
    user, client = outsider_client
    url = reverse(name, kwargs=OBJECTS[name](world))
    before = AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count()
    assert client.get(url).status_code in {404, 405}
    assert client.post(url, {"to_status": "closed", "note": "x", "outcome": "x"}).status_code in {404, 405}
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count() > before


@pytest.mark.parametrize("name", sorted(LISTS))
def test_outsider_never_sees_region_a_in_lists(name, world, outsider_client):
    _user, client = outsider_client
    response = client.get(reverse(name, kwargs=LISTS[name](world)))
    assert response.status_code in {200, 302, 404}
    if response.status_code == 200:
        html = response.content.decode()
        assert world["case"].reference not in html
        assert world["case"].victim.last_name not in html


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_anonymous_is_sent_to_sign_in(name, world, client):
    response = client.get(reverse(name, kwargs=OBJECTS[name](world)))
    assert response.status_code in {302, 405}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("name", sorted(TOKEN_API))
def test_a_signed_in_session_is_no_token_for_the_api(name, world, vlo_client):
    kwargs = {
        "api:events_get": {"event_id": world["inbound_event"].pk},
        "api:consultations_get": {"consultation_id": world["consultation"].pk},
        "api:webhooks_delete": {"webhook_id": 1},
    }.get(name, {})
    url = reverse(f"exchange:{name}", kwargs=kwargs)  # the walk above names the innermost namespace
    assert vlo_client.get(url).status_code in {401, 405}
    assert vlo_client.post(url, {}, content_type="application/json").status_code in {401, 405}


@pytest.mark.parametrize("name", sorted(BULK))
def test_outsider_bulk_action_on_region_a_rows_changes_nothing(name, world, outsider_client, outsider):
    _user, client = outsider_client
    field, key, person = BULK[name]
    row = world[key]
    before = (
        row.officer_id if key == "case" else row.owner_id,
        AuditEvent.objects.filter(action=AuditAction.UPDATE).count(),
    )
    response = client.post(reverse(name), {field: [row.pk], person: outsider.pk})
    assert response.status_code in {302, 404}
    row.refresh_from_db()
    after = (
        row.officer_id if key == "case" else row.owner_id,
        AuditEvent.objects.filter(action=AuditAction.UPDATE).count(),
    )
    assert after == before
    assert client.get(reverse(name)).status_code in {404, 405}
