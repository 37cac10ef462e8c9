"""Pages of the monitoring capability (mounted at /monitoring/)."""

from django.urls import path

from luukku.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("sites/<slug:slug>/live/", views.live, name="live"),
]
