"""Test helpers: sign a demo user in, with the administrators' second factor verified."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from luukku.registry.models import Agency, Role, Service, StaffProfile


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


def new_official(username: str, agency_code: str, site):
    """A Client signed in as a new official of ``agency_code`` at ``site``, trained for
    all of the agency's services."""
    user = get_user_model().objects.create_user(username, password="x")
    agency = Agency.objects.get(code=agency_code)
    profile = StaffProfile.objects.create(user=user, role=Role.OFFICIAL, agency=agency)
    profile.sites.set([site])
    profile.services.set(Service.objects.filter(agency=agency))
    client = Client()
    client.force_login(user)
    return client
