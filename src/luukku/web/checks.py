"""System checks for serving: no production start without a secret key."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def secret_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not getattr(settings, "LUUKKU_SECRET_KEY_MISSING", False):
        return []
    return [
        checks.Error(
            "DEBUG is off and LUUKKU_SECRET_KEY is not set.",
            hint="Set LUUKKU_SECRET_KEY to a long random value (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or LUUKKU_DEBUG=1 for a local demo.",
            id="luukku.E010",
        )
    ]


def refuse_without_secret_key() -> None:
    """Stop an application server from starting without a key (servers run no checks)."""
    if getattr(settings, "LUUKKU_SECRET_KEY_MISSING", False):
        raise ImproperlyConfigured(
            "DEBUG is off and LUUKKU_SECRET_KEY is not set (luukku.E010); "
            "set it, or LUUKKU_DEBUG=1 for a local demo."
        )
