"""Dockerfile and compose.yaml run `luukku serve`, as `make serve` does (no Docker engine
is needed to check that; the image itself is built by an operator)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
yaml = pytest.importorskip("yaml")

pytestmark = pytest.mark.skipif(
    not (ROOT / "compose.yaml").exists(), reason="runs from a source checkout"
)


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose__app_worker_and_postgresql():
    services = _compose()["services"]
    assert set(services) == {"app", "worker", "db"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["app"]["command"][:4] == ["luukku", "serve", "--only", "web"]
    assert services["worker"]["command"] == ["luukku", "serve", "--only", "worker"]
    assert services["worker"]["image"] == services["app"]["image"]


def test_compose__same_production_environment_for_app_and_worker():
    services = _compose()["services"]
    app_env, worker_env = services["app"]["environment"], services["worker"]["environment"]
    assert app_env == worker_env
    assert app_env["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in app_env["DATABASE_URL"]
    # No default secret: compose refuses to start without one.
    assert ":?" in app_env["LUUKKU_SECRET_KEY"]
    assert "LUUKKU_DEBUG" not in app_env


def test_compose__app_ready_means_readyz_and_the_worker_waits_for_it():
    services = _compose()["services"]
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["worker"]["depends_on"]["app"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_dockerfile__runs_luukku_serve_as_an_unprivileged_user():
    text = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (.+)$", text, re.M).group(1)
    assert json.loads(cmd) == ["luukku", "serve"]
    assert re.search(r"^USER luukku$", text, re.M)
    assert "/healthz" in text
