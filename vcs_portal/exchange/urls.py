"""The API for client systems under /api/v1/, and the staff pages under /exchange/."""

from __future__ import annotations

from django.urls import path

from . import views
from .api import api

app_name = "exchange"

urlpatterns = [
    path("api/v1/", api.urls),
    path("exchange/consultations/<int:pk>/", views.consultation_answer, name="consultation"),
    path("exchange/events/", views.inbound_review_list, name="inbound_review"),
    path("exchange/events/<int:pk>/reviewed/", views.inbound_reviewed, name="inbound_reviewed"),
]
