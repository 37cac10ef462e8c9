"""Staff pages that belong to no single capability: where a role starts, the host's day,
the administrators' second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from luukku.access import policy, selectors
from luukku.advice.help import help_visible


class StaffLoginView(LoginView):
    """Django's sign-in form, with the identity provider's button when OpenID Connect is on."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc": settings.LUUKKU_OIDC_ENABLED}


def start(request: HttpRequest) -> HttpResponse:
    """After signing in: each role's own start page."""
    return redirect(policy.start_url(request.user))


def host_day(request: HttpRequest) -> HttpResponse:
    """Host staff at an S point: the point's queues and the day's bookings, no names."""
    context = {
        "sites": selectors.host_day(request.user),
        "help_requests": help_visible(request.user),
    }
    return render(request, "access/host.html", context)


def site_statistics(request: HttpRequest, slug: str) -> HttpResponse:
    """A site manager's own site (the national administrator's any): counts and waits."""
    try:
        site = policy.access_site(request.user, slug)
    except policy.AccessDenied:
        raise Http404("site") from None
    return render(request, "access/statistics.html", selectors.site_statistics(site))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/admin/"
    return target


def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second factor: a code from the authenticator app (TOTP) before the admin.

    An administrator without a device may enrol one here only where
    ``LUUKKU_OTP_SELF_ENROL`` is on (the demo); elsewhere the national administrator
    creates it (admin → TOTP devices) and hands the key over.
    """
    user = request.user
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    enrol = None
    if not devices and settings.LUUKKU_OTP_SELF_ENROL:
        enrol, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Luukku"}
        )
    error = None
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())[:8]
        for device in [*devices, *([enrol] if enrol else [])]:
            if token and device.verify_token(token):
                if not device.confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                otp_login(request, device)
                return redirect(_next(request))
        error = _("The code did not match. Type the six digits your authenticator app shows now.")
    return render(
        request,
        "access/otp.html",
        {
            "enrol": enrol,
            "has_device": bool(devices),
            "error": error,
            "next": _next(request),
        },
        status=400 if error else 200,
    )
