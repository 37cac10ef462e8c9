"""The production configuration, run as an operator would: `luukku check --deploy`,
the refusal to start without a key, and `luukku serve` answering real HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[3])
PRODUCTION = {
    "LUUKKU_DEBUG": "0",
    "LUUKKU_SECRET_KEY": "x7Qp2v9LmR4tW8zK3nB6cY1hF5jD0sG-aE_uI9oP2lZ7xC4vB8nM1qW3eR6tY0",
    "LUUKKU_PUBLIC_URL": "https://luukku.example.fi",
    "LUUKKU_ALLOWED_HOSTS": "luukku.example.fi",
}


def _env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": SRC, "LUUKKU_VAR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # these checks and servers never touch the test database
    # The browser tests' Playwright needs this in the test process; production never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _luukku(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "luukku.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy__production_configuration__no_issue(tmp_path):
    result = _luukku(["check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path, **PRODUCTION))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_check_deploy__demo_configuration__warns_about_debug(tmp_path):
    result = _luukku(
        ["check", "--deploy"], _env(tmp_path, LUUKKU_DEBUG="1", LUUKKU_SECRET_KEY=None)
    )
    assert "security.W018" in result.stderr  # DEBUG on: fine for the demo, not production


def test_check__debug_off_without_key__is_error_e010(tmp_path):
    result = _luukku(["check"], _env(tmp_path, LUUKKU_DEBUG=None, LUUKKU_SECRET_KEY=None))
    assert result.returncode != 0
    assert "luukku.E010" in result.stderr


@pytest.mark.parametrize("module", ["luukku.asgi", "luukku.wsgi"])
def test_application__debug_off_without_key__refuses_to_start(tmp_path, module):
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env=_env(tmp_path, LUUKKU_DEBUG=None, LUUKKU_SECRET_KEY=None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "LUUKKU_SECRET_KEY is not set" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture
def served(tmp_path):
    """`luukku serve` (web server and task worker) on a fresh SQLite database, DEBUG off."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = _env(
        tmp_path,
        LUUKKU_DEBUG="0",
        LUUKKU_SECRET_KEY=PRODUCTION["LUUKKU_SECRET_KEY"],
        LUUKKU_SQLITE=str(tmp_path / "serve.sqlite3"),
    )
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "luukku.cli", "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("luukku serve did not start:\n" + log.read_text())
            time.sleep(0.3)
        yield base, lambda: log.read_text(), proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.mark.slow
def test_serve__pages_static_files_health_a_log_without_tokens_and_one_stop(served):
    """One server start for all of it: migrate on a fresh database takes most of a minute."""
    base, log_text, proc = served
    token = "Zx8kQ2mP9vR4tL7wN3bY6cF1sec"

    assert _get(base + "/readyz")[0] == 200

    status, _, body = _get(base + "/")
    assert status == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert assets
    for asset in assets:
        status, headers, _ = _get(base + asset)
        assert status == 200, asset
        # Hashed names, cached for ever.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", asset), asset
        assert "immutable" in headers["cache-control"]

    # The API docs page needs no internet: every file it loads is ours.
    status, _, body = _get(base + "/api/v1/docs")
    html = body.decode()
    assert status == 200
    refs = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert refs
    assert not [r for r in refs if re.match(r"(https?:)?//", r)], refs
    for ref in refs:
        if ref.startswith("/static/"):
            assert _get(base + ref)[0] == 200, ref

    # DEBUG is off: an error page shows no traceback or settings.
    status, _, body = _get(base + f"/book/manage/{token}/")
    assert status == 404
    assert b"Traceback" not in body and b"DEBUG = True" not in body

    time.sleep(0.5)  # the access line is written after the answer
    text = log_text()
    assert token not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "luukku.access"]
    assert {"method": "GET", "path": "/book/manage/:token/", "status": 404} in [
        {k: line[k] for k in ("method", "path", "status")} for line in access
    ]

    # The web server and the task worker beside it stop together.
    children = _children(proc.pid)
    workers = [pid for pid in children if "db_worker" in Path(f"/proc/{pid}/cmdline").read_text()]
    assert len(workers) == 1
    proc.terminate()
    assert proc.wait(timeout=60) == 0
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in children if _alive(pid)] == []


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that has exited but not been reaped yet is a zombie: not running.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
