"""Enforce the table of rules (``luukku.access.rules``) on every request."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from luukku.access import rules
from luukku.access.policy import ADMIN_ROLES, role_of


def who(user) -> str:
    """The rule-table name of the requester: their role, ``no_role`` or ``anonymous``."""
    if user is None or not user.is_authenticated:
        return rules.ANONYMOUS
    return role_of(user) or rules.NO_ROLE


class AccessMiddleware:
    """Let a request through only if its endpoint has a rule that admits the requester."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        allowed = rules.allowed_roles(match.view_name, match.route, request.method)
        if allowed == rules.EVERYONE:
            return None  # a public endpoint: no need to read the session or the profile
        requester = who(request.user)
        if allowed is not None and requester in allowed:
            if self._needs_second_factor(request, match.view_name, requester):
                target = reverse("access:otp") + "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
            return None
        api = rules.is_api(match.route)
        if allowed is not None and requester == rules.ANONYMOUS:
            if api:
                return JsonResponse(
                    {"detail": [{"loc": ["auth"], "msg": _("Sign in first.")}]}, status=401
                )
            return redirect_to_login(request.get_full_path())
        if api:
            return JsonResponse(
                {"detail": [{"loc": ["auth"], "msg": _("Your role may not do this.")}]},
                status=403,
            )
        raise PermissionDenied(_("Your role may not open this page."))

    @staticmethod
    def _needs_second_factor(request, view_name: str | None, requester: str) -> bool:
        """An admin page for an admin role, without a verified TOTP device this session."""
        if not settings.LUUKKU_ADMIN_OTP or requester not in ADMIN_ROLES:
            return False
        if not view_name or view_name.split(":", 1)[0] != rules.ADMIN_NAMESPACE:
            return False
        if view_name in rules.ADMIN_PUBLIC:
            return False
        is_verified = getattr(request.user, "is_verified", None)
        return not (is_verified and is_verified())
