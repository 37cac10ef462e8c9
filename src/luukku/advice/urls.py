"""Pages of the info desk."""

from django.urls import path

from . import views

app_name = "advice"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("contacts/", views.record, name="record"),
]
