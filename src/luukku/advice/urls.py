"""Pages of the info desk."""

from django.urls import path

from . import plan_views, views

app_name = "advice"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("contacts/", views.record, name="record"),
    path("check-in/", plan_views.check_in, name="check_in"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan, name="plan"),
    path("plans/<int:pk>/send/", plan_views.plan_send_view, name="plan_send"),
    path("notes/<int:pk>/", plan_views.note_read, name="note_read"),
]
