"""RequireMFAMiddleware hands the views the user itself, not the lazy wrappers around it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from vcs_portal.core.models import User

pytestmark = pytest.mark.django_db


def test_a_signed_in_view_gets_the_verified_user_itself(vlo, vlo_client):
    response = vlo_client.get(reverse("victims:caseload"))
    user = response.wsgi_request.user
    assert response.status_code == 200
    assert type(user) is User and user.pk == vlo.pk
    assert user.is_verified()  # django-otp's verification survives the unwrapping


def test_an_anonymous_request_gets_the_anonymous_user(client):
    response = client.get(reverse("core:login"))
    assert type(response.wsgi_request.user) is AnonymousUser


def test_an_unverified_user_is_still_sent_to_the_second_factor(vlo, client):
    client.force_login(vlo)
    response = client.get(reverse("victims:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa_setup"))
