"""Pages of the audit capability (mounted at /audit/)."""

from django.urls import path

from luukku.audit import views

app_name = "audit"
urlpatterns = [path("", views.log, name="log")]
