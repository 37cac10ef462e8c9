"""OpenID Connect sign-in for staff (mozilla-django-oidc), off unless configured.

The identity provider says who someone is; what they may do is their staff profile's
role in Luukku. A first sign-in creates an account with no role (it opens only the
public pages) until an administrator gives it a staff profile; an account is found by
its username (the ``preferred_username`` claim, else ``sub``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


def username_of(claims: dict) -> str:
    return str(claims.get("preferred_username") or claims.get("sub") or "")[:150]


class StaffOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        username = username_of(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username, is_active=True)

    def verify_claims(self, claims) -> bool:
        return bool(username_of(claims))

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            username=username_of(claims),
            email=str(claims.get("email") or "")[:254],
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )

    def update_user(self, user, claims):
        return user


def _only_when_on(view_class):
    inner = view_class.as_view()

    def view(request, *args, **kwargs):
        if not settings.LUUKKU_OIDC_ENABLED:
            raise Http404("OpenID Connect is not configured")
        return inner(request, *args, **kwargs)

    view.__doc__ = view_class.__doc__
    return view


authentication_init = _only_when_on(OIDCAuthenticationRequestView)
authentication_callback = _only_when_on(OIDCAuthenticationCallbackView)
