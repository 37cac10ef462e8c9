"""Pages of the info desk."""

from django.urls import path

from . import dropoff_views, plan_views, views

app_name = "advice"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("contacts/", views.record, name="record"),
    path("check-in/", plan_views.check_in, name="check_in"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan, name="plan"),
    path("plans/<int:pk>/send/", plan_views.plan_send_view, name="plan_send"),
    path("notes/<int:pk>/", plan_views.note_read, name="note_read"),
    path("dropoffs/", dropoff_views.dropoff_list, name="dropoff_list"),
    path("dropoffs/new/", dropoff_views.dropoff_new, name="dropoff_new"),
    path("dropoffs/<int:pk>/receipt/", dropoff_views.dropoff_receipt, name="dropoff_receipt"),
    path("dropoffs/<int:pk>/received/", dropoff_views.dropoff_received, name="dropoff_received"),
]
