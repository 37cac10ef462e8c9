from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import OperationalError


def test_healthz__answers_without_the_database(client):
    # An async view: call it from a thread without an event loop (the browser tests
    # leave Playwright's running in the main thread).
    with ThreadPoolExecutor(1) as pool:
        resp = pool.submit(client.get, "/healthz").result()
    assert resp.status_code == 200
    assert resp.content == b"ok\n"
    assert "no-cache" in resp["Cache-Control"]


@pytest.mark.django_db
def test_readyz__database_up_and_migrated__is_200(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json() == {"database": "ok", "migrations_pending": 0}


@pytest.mark.django_db
def test_readyz__migrations_pending__is_503(client):
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        return_value=[("booking", "9999_future")],
    ):
        resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["migrations_pending"] == 1


@pytest.mark.django_db
def test_readyz__database_unreachable__is_503(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json() == {"database": "unreachable"}
