"""OpenID Connect's two addresses, under the names mozilla-django-oidc reverses (no namespace)."""

from django.urls import path

from luukku.access import oidc

urlpatterns = [
    path("authenticate/", oidc.authentication_init, name="oidc_authentication_init"),
    path("callback/", oidc.authentication_callback, name="oidc_authentication_callback"),
]
