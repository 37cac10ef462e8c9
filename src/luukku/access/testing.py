"""Test helpers: sign a demo user in, with the administrators' second factor verified."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in(client, username: str, *, verified: bool = True):
    """``force_login`` the demo user; with ``verified``, as if they had typed a TOTP code."""
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user
