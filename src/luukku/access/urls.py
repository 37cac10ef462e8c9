"""Staff pages of the access capability: the start page by role, the host's day, the second factor."""

from django.urls import path

from luukku.access import views

app_name = "access"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("host/", views.host_day, name="host"),
    path("verify/", views.otp_verify, name="otp"),
    path("sites/<slug:slug>/statistics/", views.site_statistics, name="site_statistics"),
]
