"""Headers, error pages, health check and navigation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_never_cached(vlo_client):
    response = vlo_client.get(reverse("victims:caseload"))
    assert "no-store" in response["Cache-Control"]


def test_security_headers_are_sent(client):
    response = client.get(reverse("core:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client):
    html = client.get(reverse("core:login")).content.decode()
    assert "<script>" not in html
    assert 'type="module" src="/static/js/application.js"' in html


def test_404_page_is_in_the_service_style(vlo_client):
    response = vlo_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Victim Contact Scheme" in html


def test_500_page_shows_a_reference_and_no_traceback(vlo, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internals")

    settings.ROOT_URLCONF = type(
        "urls", (), {"urlpatterns": [path("boom/", boom)], "handler500": "vcs_portal.core.views.server_error"}
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert "reference" in html.lower()


def test_403_page_is_in_the_service_style(vlo_client):
    response = vlo_client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Victim Contact Scheme" in response.content.decode()


def test_healthz_answers_ok(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200 and response.content == b"ok"


def test_navigation_depends_on_role(vlo_client, admin_client_verified):
    vlo_nav = vlo_client.get(reverse("victims:caseload")).context["nav_items"]
    admin_nav = admin_client_verified.get(reverse("victims:caseload")).context["nav_items"]
    assert "My caseload" in [i["label"] for i in vlo_nav]
    assert "Admin" not in [i["label"] for i in vlo_nav]
    assert "Admin" in [i["label"] for i in admin_nav]


def test_active_nav_item_is_marked(vlo_client):
    html = vlo_client.get(reverse("victims:caseload")).content.decode()
    assert 'aria-current="page"' in html
