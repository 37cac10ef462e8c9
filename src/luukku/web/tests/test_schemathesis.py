"""Schemathesis against the served OpenAPI document, anonymous and signed in.

Every operation of /api/v1/openapi.json is called with generated input (valid and
not) through the WSGI application, inside the test's database transaction. No
answer may be a server error, and every answer must be one the document declares:
its status code, its content type and its body's schema. The number of examples per
operation is bounded (LUUKKU_SCHEMATHESIS_EXAMPLES, default 5) to keep the run short;
the generation is derandomized, so a run is repeatable.
"""

from __future__ import annotations

import os
import secrets

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("LUUKKU_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app(demo):
    """The real WSGI application, kept on the test's database connection.

    Django's handler closes "old" connections when a request starts and finishes;
    the test client turns that off, and so does this fixture.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def official_headers(demo) -> dict[str, str]:
    """A signed-in official (a demo Kela official) with a CSRF token, as a browser has."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    csrf = secrets.token_hex(16)  # a 32-character secret, accepted as the token itself
    return {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
    }


def _run(app, headers: dict[str, str] | None = None) -> list[str]:
    """Every operation, valid and invalid input; the failures as readable lines."""
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @HYPOTHESIS
            def call(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                continue  # e.g. no invalid value exists for a free-text path parameter
            except (Exception, BaseExceptionGroup) as exc:  # collected, reported together below
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {exc}")
    return failures


def test_api__anonymous__no_server_error_and_nothing_outside_the_schema(wsgi_app):
    failures = _run(wsgi_app)
    assert not failures, "\n\n".join(failures)


def test_api__signed_in__no_server_error_and_nothing_outside_the_schema(wsgi_app, official_headers):
    failures = _run(wsgi_app, official_headers)
    assert not failures, "\n\n".join(failures)
