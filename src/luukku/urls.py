"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from luukku.access.views import StaffLoginView
from luukku.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # The sign-in form with the identity provider's button (luukku.access), then the rest.
    path("accounts/login/", StaffLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("oidc/", include("luukku.access.urls_oidc")),
    path("staff/", include("luukku.access.urls")),
    path("staff/", include("luukku.booking.staff_urls")),
    path("audit/", include("luukku.audit.urls")),
    path("planning/", include("luukku.planning.urls")),
    path("monitoring/", include("luukku.monitoring.urls")),
    path("advice/", include("luukku.advice.urls")),
    path("", include("luukku.queueing.urls")),
    path("", include("luukku.feedback.urls")),
    path("", include("luukku.advice.help_urls")),
    path("", include("luukku.advice.plan_urls")),
    path("", include("luukku.booking.urls")),
    path("", include("luukku.web.urls")),
]
