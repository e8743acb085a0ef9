from __future__ import annotations

from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/reassign/", views.tasks_reassign_bulk, name="tasks_reassign"),
    path("cases/reassign/", views.cases_reassign_bulk, name="cases_reassign"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/reassign/", views.task_reassign, name="task_reassign"),
    path("cases/<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("cases/<int:pk>/reassign/", views.case_reassign, name="case_reassign"),
    path("cases/<int:pk>/events/new/", views.event_new, name="event_new"),
    path("cases/<int:pk>/key-dates/new/", views.key_date_new, name="key_date_new"),
    path("cases/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("cases/<int:pk>/contacts/", views.case_contacts, name="case_contacts"),
    path("cases/<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/correct/", views.contact_correct, name="contact_correct"),
    path("cases/<int:pk>/referrals-out/new/", views.referral_out_new, name="referral_out_new"),
    path("referrals-out/<int:pk>/outcome/", views.referral_out_outcome, name="referral_out_outcome"),
]
