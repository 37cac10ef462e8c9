"""Pages of the monitoring capability (mounted at /monitoring/)."""

from django.urls import path

from luukku.monitoring import bus_views, views

app_name = "monitoring"
urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("sites/<slug:slug>/live/", views.live, name="live"),
    path("sites/<slug:slug>/bus/", bus_views.bus, name="bus"),
    path("sites/<slug:slug>/bus/accept/", bus_views.bus_accept, name="bus_accept"),
]
