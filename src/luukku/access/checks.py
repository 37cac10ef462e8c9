"""Configuration errors of sign-in, as system checks."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register("security", deploy=True)
def admin_second_factor(app_configs=None, **kwargs) -> list[Error]:
    """The admin's second factor may only be off in the demo (DEBUG on)."""
    if getattr(settings, "LUUKKU_ADMIN_OTP", True) or settings.DEBUG:
        return []
    return [
        Error(
            "The second factor for administrators is off (LUUKKU_ADMIN_OTP=0) with DEBUG off.",
            hint="Unset LUUKKU_ADMIN_OTP: only the demo (LUUKKU_DEBUG=1) may skip it.",
            id="luukku.access.E001",
        )
    ]


@register("security")
def oidc_complete(app_configs=None, **kwargs) -> list[Error]:
    """OpenID Connect, when switched on, needs every endpoint."""
    if not getattr(settings, "LUUKKU_OIDC_ENABLED", False):
        return []
    names = {
        "LUUKKU_OIDC_CLIENT_SECRET": settings.OIDC_RP_CLIENT_SECRET,
        "LUUKKU_OIDC_AUTHORIZATION_ENDPOINT": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "LUUKKU_OIDC_TOKEN_ENDPOINT": settings.OIDC_OP_TOKEN_ENDPOINT,
        "LUUKKU_OIDC_USERINFO_ENDPOINT": settings.OIDC_OP_USER_ENDPOINT,
    }
    if settings.OIDC_RP_SIGN_ALGO.startswith("RS"):
        names["LUUKKU_OIDC_JWKS_ENDPOINT"] = settings.OIDC_OP_JWKS_ENDPOINT
    missing = sorted(k for k, v in names.items() if not v)
    if not missing:
        return []
    return [
        Error(
            f"OpenID Connect is on (LUUKKU_OIDC_CLIENT_ID) but {', '.join(missing)} is not set.",
            id="luukku.access.E002",
        )
    ]
