"""Staff sign-in: lock-out after failures (django-axes), the administrators' second factor
(django-otp, TOTP) and OpenID Connect against a fake provider (mozilla-django-oidc)."""

from __future__ import annotations

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from luukku.access.checks import admin_second_factor, oidc_complete
from luukku.access.testing import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "luukku-demo"


# -- lock-out ----------------------------------------------------------------------


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_lockout__after_five_failures__even_the_right_password_is_refused(client, demo):
    for _ in range(4):
        assert _login(client, "kela.pori1", "wrong").status_code == 200  # the form again
    assert _login(client, "kela.pori1", "wrong").status_code == 429  # the fifth locks
    r = _login(client, "kela.pori1", PASSWORD)
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    # The lock holds that username from that address, not everyone's.
    assert _login(Client(), "kela.pori2", PASSWORD).status_code == 302


def test_lockout__a_success_resets_the_count(client, demo):
    for _ in range(4):
        _login(client, "kela.pori1", "wrong")
    assert _login(client, "kela.pori1", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, "kela.pori1", "wrong")
    assert _login(client, "kela.pori1", PASSWORD).status_code == 302


# -- second factor -----------------------------------------------------------------


@pytest.fixture
def otp_on(settings):
    settings.LUUKKU_ADMIN_OTP = True
    settings.LUUKKU_OTP_SELF_ENROL = False
    return settings


def test_otp__admin_role__verified_with_a_totp_code(client, demo, otp_on):
    user = sign_in(client, "esihenkilo", verified=False)
    r = client.get("/admin/registry/space/")
    assert (
        r.status_code == 302
        and r["Location"] == "/staff/verify/?next=%2Fadmin%2Fregistry%2Fspace%2F"
    )
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    wrong = client.post("/staff/verify/", {"token": "000000", "next": "/admin/registry/space/"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above throttles the next try
    device.throttling_failure_timestamp = None
    device.save()
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    r = client.post("/staff/verify/", {"token": code, "next": "/admin/registry/space/"})
    assert r.status_code == 302 and r["Location"] == "/admin/registry/space/"
    assert client.get("/admin/registry/space/").status_code == 200


def test_otp__no_device_and_no_self_enrolment__says_whom_to_ask(client, demo, otp_on):
    sign_in(client, "esihenkilo", verified=False)
    r = client.get("/staff/verify/")
    assert r.status_code == 200 and r.context["enrol"] is None
    assert not TOTPDevice.objects.filter(user__username="esihenkilo").exists()


def test_otp__demo_self_enrolment(client, demo, otp_on):
    otp_on.LUUKKU_OTP_SELF_ENROL = True
    sign_in(client, "kela.paakayttaja", verified=False)
    r = client.get("/staff/verify/")
    device = r.context["enrol"]
    assert device is not None and not device.confirmed
    assert "otpauth://totp/" in r.content.decode()
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    r = client.post("/staff/verify/", {"token": code})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_otp__verify_page_refuses_an_outside_next(client, demo, otp_on):
    user = sign_in(client, "esihenkilo", verified=False)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    r = client.post("/staff/verify/", {"token": code, "next": "https://evil.example/"})
    assert r["Location"] == "/admin/"


def test_otp__not_for_roles_outside_the_admin(client, demo):
    sign_in(client, "kela.pori1", verified=False)
    assert client.get("/staff/verify/").status_code == 403


def test_otp__check__off_only_with_debug(settings):
    settings.LUUKKU_ADMIN_OTP, settings.DEBUG = False, False
    assert [e.id for e in admin_second_factor()] == ["luukku.access.E001"]
    settings.DEBUG = True
    assert admin_second_factor() == []


# -- OpenID Connect ----------------------------------------------------------------

SECRET = "fake-provider-shared-secret-0123456789abcdef"


@pytest.fixture
def oidc(settings):
    settings.LUUKKU_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "luukku"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.invalid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.invalid/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.invalid/userinfo"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "luukku.access.oidc.StaffOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    return settings


class FakeProvider:
    """The identity provider's token and userinfo endpoints, as ``requests`` would see them."""

    def __init__(self, claims: dict):
        self.claims = claims
        self.nonce = None
        self.token_requests: list[dict] = []

    def _response(self, body: dict):
        r = mock.Mock(status_code=200, headers={"content-type": "application/json"})
        r.json.return_value = body
        r.raise_for_status.return_value = None
        return r

    def post(self, url, data=None, **kwargs):
        assert url == "https://idp.example.invalid/token"
        self.token_requests.append(data)
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": "https://idp.example.invalid",
                "aud": "luukku",
                "sub": self.claims["sub"],
                "nonce": self.nonce,
                "iat": now,
                "exp": now + 300,
            },
            SECRET,
            algorithm="HS256",
        )
        return self._response({"id_token": id_token, "access_token": "fake-access-token"})

    def get(self, url, headers=None, **kwargs):
        assert url == "https://idp.example.invalid/userinfo"
        assert headers["Authorization"] == "Bearer fake-access-token"
        return self._response(self.claims)


def _sign_in_through(client, provider: FakeProvider):
    r = client.get("/oidc/authenticate/")
    assert r.status_code == 302
    target = urlsplit(r["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        "https://idp.example.invalid/authorize"
    )
    query = parse_qs(target.query)
    provider.nonce = query["nonce"][0]
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", provider.get),
    ):
        return client.get("/oidc/callback/", {"code": "fake-code", "state": query["state"][0]})


def test_oidc__known_staff_member__signs_in_to_their_start_page(client, demo, oidc):
    provider = FakeProvider({"sub": "abc-123", "preferred_username": "kela.pori1"})
    r = _sign_in_through(client, provider)
    assert r.status_code == 302 and r["Location"] == "/staff/start/"
    user = get_user_model().objects.get(username="kela.pori1")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert provider.token_requests[0]["code"] == "fake-code"
    assert client.get("/staff/start/")["Location"] == "/desk/"


def test_oidc__new_person__gets_an_account_with_no_role(client, demo, oidc):
    provider = FakeProvider({"sub": "new-1", "preferred_username": "uusi.henkilo", "email": ""})
    r = _sign_in_through(client, provider)
    assert r.status_code == 302
    user = get_user_model().objects.get(username="uusi.henkilo")
    assert not user.is_staff and not hasattr(user, "staff_profile")
    assert client.get("/desk/").status_code == 403


def test_oidc__forged_token__is_refused(client, demo, oidc):
    provider = FakeProvider({"sub": "x", "preferred_username": "admin"})
    real_post = provider.post

    def forged(url, data=None, **kwargs):
        r = real_post(url, data, **kwargs)
        body = r.json.return_value
        body["id_token"] = jwt.encode(
            {"sub": "x", "nonce": provider.nonce}, "not-the-providers-secret-0123456789abc", "HS256"
        )
        return r

    provider.post = forged
    r = _sign_in_through(client, provider)
    assert "_auth_user_id" not in client.session
    assert r.status_code in (302, 400)
    if r.status_code == 302:
        assert r["Location"] != "/staff/start/"


def test_oidc__off_unless_configured(client, demo):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert oidc_complete() == []


def test_oidc__check__names_a_missing_endpoint(oidc):
    oidc.OIDC_OP_USER_ENDPOINT = ""
    errors = oidc_complete()
    assert [e.id for e in errors] == ["luukku.access.E002"]
    assert "LUUKKU_OIDC_USERINFO_ENDPOINT" in errors[0].msg


def test_otp__national_admin_hands_a_device_over_with_its_qr_code(client, demo):
    sign_in(client, "admin")
    person = get_user_model().objects.get(username="esihenkilo")
    device = TOTPDevice.objects.create(user=person, name="phone", confirmed=True)
    r = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert r.status_code == 200 and r["Content-Type"].startswith("image/svg+xml")


def test_oidc__sign_in_page_offers_the_provider_only_when_on(client, demo, settings):
    assert "/oidc/authenticate/" not in client.get("/accounts/login/").content.decode()
    settings.LUUKKU_OIDC_ENABLED = True
    page = client.get("/accounts/login/?next=/desk/").content.decode()
    assert 'href="/oidc/authenticate/?next=/desk/"' in page
