"""Shared test set-up: fast hashing, in-memory mail, tasks run at once, demo data once."""

from __future__ import annotations

import os

import pytest
from django.test import override_settings

# DEBUG is off unless LUUKKU_DEBUG=1, and then Luukku refuses to start without a key
# (luukku.E010): the test run brings one for the servers and commands tests start.
os.environ.setdefault("LUUKKU_SECRET_KEY", "test-only-key-not-for-any-server-5d1c8a0f2b7e4c9a8f")

FAST = {
    "LUUKKU_SECRET_KEY_MISSING": False,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    # Tests take kiosk numbers at whatever hour they run; the opening-hours tests turn
    # this back on with a fixed clock (queueing/tests/test_kiosk_hours.py).
    "LUUKKU_KIOSK_OPENING_HOURS": False,
    # Rate limits (web/middleware.py) off, but in the tests of the limits themselves.
    "RATELIMIT_ENABLE": False,
}


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    for key, value in FAST.items():
        setattr(settings, key, value)
    settings.LANGUAGE_CODE = "fi"  # pages default to Finnish, as in production


@pytest.fixture(autouse=True)
def _english_outside_requests(_fast_settings):
    """Messages raised outside a request read in English, so tests can match them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo region once into the test database; every test then sees it."""
    from luukku.registry.services import demo_region_seed

    with django_db_blocker.unblock(), override_settings(**FAST):
        demo_region_seed()


@pytest.fixture
def demo(db):
    """The demo sites by slug (reloaded if a transactional test flushed the database)."""
    from luukku.registry.models import Site
    from luukku.registry.services import demo_region_seed

    if not Site.objects.filter(slug="pori").exists():
        demo_region_seed()
    return {s.slug: s for s in Site.objects.all()}
