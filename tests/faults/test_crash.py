"""Faults, for real: ``kill -9`` the server while kiosks and clients work, and the worker mid-send.

The server (uvicorn, as ``luukku serve`` runs it; ``runserver`` if uvicorn is missing)
and the task worker run as subprocesses on a fresh database of their own: a SQLite
file, or a new PostgreSQL database next to ``DATABASE_URL``'s. Clients retry every
request that got no answer with the same ``Idempotency-Key`` until it is answered, as
a kiosk or an app would. The checks read the database directly. Nothing is timed:
every wait is for a condition, with a generous time-out.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WAIT = 180  # seconds: the most any one condition may take on a busy machine
KIOSK_SERVICE = "benefit-advice"  # a walk-in service at Pori
BOOKED_SERVICE = "passport"


# -- the database and the processes ---------------------------------------------------


@dataclass
class Db:
    kind: str  # "sqlite" or "postgresql"
    path: str = ""
    url: str = ""
    admin_url: str = ""
    name: str = ""

    def rows(self, sql: str) -> list[tuple]:
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path, timeout=60)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()
        import psycopg

        with psycopg.connect(self.url) as con:
            return con.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.kind == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return [r[0] for r in self.rows(sql)]

    def dump(self) -> str:
        """Every row of every table as text: where a leaked token would be."""
        parts = []
        for table in self.tables():
            rows = self.rows('SELECT * FROM "' + table + '"')
            parts.append(f"{table}: {rows!r}")
        return "\n".join(parts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Site:
    db: Db
    env: dict
    tmp: Path
    port: int
    logs: list[Path] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self, name: str, args: list[str], **env) -> subprocess.Popen:
        log = self.tmp / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        return subprocess.Popen(
            args,
            cwd=self.tmp,
            # Unbuffered, so that a kill -9 loses no log line that tells what happened.
            env={**self.env, "PYTHONUNBUFFERED": "1", **env},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def luukku(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "luukku.cli", *args],
            cwd=self.tmp,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=WAIT * 2,
        )

    def server(self) -> subprocess.Popen:
        if shutil.which("uvicorn", path=str(Path(sys.executable).parent)):
            args = [
                sys.executable,
                "-m",
                "uvicorn",
                "luukku.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",  # as luukku serve: Django's access log, tokens redacted
            ]
        else:
            args = [
                sys.executable,
                "-m",
                "luukku.cli",
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ]
        proc = self.spawn("server", args)
        wait_for(lambda: _up(self.base) or proc.poll() is not None, "the server to answer")
        assert proc.poll() is None, self.logs[-1].read_text()
        return proc

    def worker(self, outbox: Path) -> subprocess.Popen:
        return self.spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "luukku.cli",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "-v",
                "1",
            ],
            LUUKKU_NOTIFIER="tests.faults.notifier.FileNotifier",
            LUUKKU_FAULTS_OUTBOX=str(outbox),
            LUUKKU_FAULTS_SEND_SECONDS="0.5",
            LUUKKU_WORKER_HEARTBEAT_SECONDS="1",
        )


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_for(condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def kill9(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=WAIT)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill9(proc)


def _database(tmp: Path) -> Db:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return Db("sqlite", path=str(tmp / "faults.sqlite3"))
    import psycopg

    parts = urlsplit(url)
    name = f"luukku_faults_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return Db(
        "postgresql",
        url=urlunsplit(parts._replace(path=f"/{name}")),
        admin_url=admin,
        name=name,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh database, migrated and seeded with the demo region, and the processes' env."""
    tmp = tmp_path_factory.mktemp("faults")
    db = _database(tmp)
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LUUKKU_", "DJANGO_", "PYTEST"))
    }
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get("LUUKKU_FAULTS_SETTINGS", "luukku.settings"),
            "PYTHONPATH": os.pathsep.join(
                [str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
            ),
            "LUUKKU_DEBUG": "0",
            "LUUKKU_SECRET_KEY": "faults-" + uuid.uuid4().hex + uuid.uuid4().hex,
            "LUUKKU_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "LUUKKU_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LUUKKU_VAR": str(tmp),
            "LUUKKU_LOG_FORMAT": "text",
            "LUUKKU_RATE_LIMITS_ON": "0",
            "LUUKKU_KIOSK_OPENING_HOURS": "0",
            "LUUKKU_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LUUKKU_NOTIFIER": "luukku.integration.notify.ConsoleNotifier",
        }
    )
    if db.kind == "sqlite":
        env["LUUKKU_SQLITE"] = db.path
    else:
        env["DATABASE_URL"] = db.url
    s = Site(db=db, env=env, tmp=tmp, port=port)
    s.luukku("migrate", "--noinput")
    s.luukku("seed-demo")
    yield s
    if db.kind == "postgresql":
        import psycopg

        with psycopg.connect(db.admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


# -- clients that retry until answered -------------------------------------------------


class NoAnswer(Exception):
    """No HTTP answer (the server is down or died mid-request), or a 5xx."""


def _http(base: str, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise NoAnswer(exc.code) from None
        return exc.code, json.loads(exc.read() or b"null")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise NoAnswer(type(exc).__name__) from None


def until_answered(base: str, method: str, path: str, body=None, headers=None):
    """Send the same request (same key) again and again until the server answers it."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return _http(base, method, path, body, headers)
        except NoAnswer:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class Acks:
    tickets: dict[str, dict] = field(default_factory=dict)  # key -> the 201 answer
    bookings: dict[str, dict] = field(default_factory=dict)
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.tickets) + len(self.bookings)


def take_number(base: str, acks: Acks) -> None:
    key = str(uuid.uuid4())
    status, body = until_answered(
        base,
        "POST",
        "/api/v1/queueing/tickets",
        {"site": "pori", "service": KIOSK_SERVICE},
        {"Idempotency-Key": key},
    )
    with acks.lock:
        if status == 201:
            acks.tickets[key] = body
        else:
            acks.errors.append(("ticket", status, body))


def book(base: str, acks: Acks, n: int, rng: random.Random) -> None:
    for _attempt in range(30):
        status, slots = until_answered(
            base,
            "GET",
            f"/api/v1/booking/availability?service={BOOKED_SERVICE}&site=pori&limit=60",
        )
        assert status == 200 and slots, (status, slots)
        slot = rng.choice(slots)
        key = str(uuid.uuid4())
        body = {
            "site": "pori",
            "name": f"Asiakas {n}",
            "phone": f"040{n:07d}",
            "email": f"asiakas{n}@example.invalid",
            "legs": [{"service": BOOKED_SERVICE, "start": slot["start"], "channel": "in_person"}],
        }
        status, answer = until_answered(
            base, "POST", "/api/v1/booking/bookings", body, {"Idempotency-Key": key}
        )
        if status == 409:  # taken by another client: another time, another request
            continue
        with acks.lock:
            if status == 201:
                acks.bookings[key] = answer
            else:
                acks.errors.append(("booking", status, answer))
        return
    with acks.lock:
        acks.errors.append(("booking", "no free time in 30 tries", n))


def clients(
    base: str, acks: Acks, *, threads: int, ops: int, first_n: int
) -> list[threading.Thread]:
    def run(t: int) -> None:
        rng = random.Random(t)
        try:
            for i in range(ops):
                if i % 2:
                    book(base, acks, first_n + t * ops + i, rng)
                else:
                    take_number(base, acks)
        except Exception as exc:  # asserted on below
            with acks.lock:
                acks.errors.append(("client", repr(exc)))

    started = [threading.Thread(target=run, args=(t,), daemon=True) for t in range(threads)]
    for t in started:
        t.start()
    return started


# -- the checks ------------------------------------------------------------------------


def check_acknowledged(db: Db, acks: Acks) -> None:
    """Every acknowledged ticket and booking is there once; no number is given twice."""
    assert acks.errors == []
    tickets = {
        token: number for token, number in db.rows("SELECT token, number FROM queueing_ticket")
    }
    for answer in acks.tickets.values():
        assert tickets.get(answer["token"]) == answer["number"], answer
    assert len(tickets) == len(acks.tickets)  # a retried request made no second ticket
    repeated = db.rows(
        "SELECT queue_id, day, number FROM queueing_ticket"
        " GROUP BY queue_id, day, number HAVING COUNT(*) > 1"
    )
    assert repeated == []
    codes = Counter(code for (code,) in db.rows("SELECT code FROM booking_booking"))
    for answer in acks.bookings.values():
        assert codes[answer["bookings"][0]["code"]] == 1, answer
    (visits,) = db.rows("SELECT COUNT(*) FROM booking_visit")[0]
    assert visits == len(acks.bookings)  # a retried booking made no second visit
    overlaps = db.rows(
        "SELECT COUNT(*) FROM booking_reservation a JOIN booking_reservation b"
        " ON a.resource_id = b.resource_id AND a.id < b.id"
        ' AND a.start < b."end" AND b.start < a."end"'
    )
    assert overlaps == [(0,)]


def test_server_killed_mid_run__every_acknowledged_ticket_and_booking_once(site):
    acks = Acks()
    server = site.server()
    threads = clients(site.base, acks, threads=4, ops=8, first_n=1000)
    try:
        for after in (6, 16):
            wait_for(lambda after=after: acks.count() >= after, f"{after} answers")
            kill9(server)
            server = site.server()
        for t in threads:
            t.join(WAIT)
        assert not any(t.is_alive() for t in threads)
    finally:
        stop(server)
    assert len(acks.tickets) == 16 and len(acks.bookings) == 16, acks.errors
    check_acknowledged(site.db, acks)


def _outbox(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


def _mid_send(path: Path, delivered: int) -> bool:
    lines = _outbox(path)
    return sum(1 for w in lines if w[0] == "deliver") >= delivered and lines[-1][0] == "attempt"


def test_worker_killed_mid_send__each_confirmation_sent_once_no_token_kept(site):
    acks = Acks()
    server = site.server()
    try:
        for t in clients(site.base, acks, threads=2, ops=8, first_n=5000):
            t.join(WAIT)
        assert acks.errors == [] and acks.bookings
        tokens = [a["token"] for a in acks.bookings.values()]
        # Before the worker runs the raw tokens wait in the confirmations' rows only.
        confirmations = {
            key
            for (key,) in site.db.rows(
                "SELECT key FROM booking_delivery WHERE kind = 'confirmation'"
            )
        }
        assert len(confirmations) >= len(acks.bookings)

        outbox = site.tmp / "outbox.txt"
        worker = site.worker(outbox)
        kills, interrupted = 0, []
        for delivered in (2, 5):
            wait_for(lambda d=delivered: _mid_send(outbox, d), f"a send after {delivered}")
            kill9(worker)
            kills += 1
            key = _outbox(outbox)[-1][1]
            outcome = site.db.rows(f"SELECT outcome FROM booking_delivery WHERE key = '{key}'")
            if outcome == [("",)]:  # killed mid-send (not just after), as nearly always
                interrupted.append(key)
                running = site.db.rows(
                    "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
                    " WHERE status = 'RUNNING'"
                )
                assert running[0][0] >= 1  # left RUNNING by the killed worker ...
            worker = site.worker(outbox)  # ... and taken up again by the next one
        assert interrupted

        def all_sent() -> bool:
            pending = site.db.rows(
                "SELECT COUNT(*) FROM booking_delivery WHERE kind = 'confirmation' AND outcome = ''"
            )[0][0]
            busy = site.db.rows(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status IN ('READY', 'RUNNING') AND task_path LIKE '%send_confirmation'"
            )[0][0]
            # The reminder sweep the worker scheduled by itself when it started.
            swept = site.db.rows(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status = 'SUCCESSFUL' AND task_path LIKE '%sweep_deliveries'"
            )[0][0]
            # ... and whatever that sweep enqueued (reminders) has run too: the worker is
            # stopped only once its queue is idle, so no task is caught mid-run.
            unfinished = site.db.rows(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status = 'RUNNING' OR (status = 'READY'"
                # (django-tasks-db stores "no run_after" as the largest date)
                " AND (run_after <= CURRENT_TIMESTAMP OR run_after >= '9999-01-01'))"
            )[0][0]
            return pending == 0 and busy == 0 and swept >= 1 and unfinished == 0

        wait_for(all_sent, "every confirmation to be sent and the scheduled sweep to run")
        stop(worker)

        lines = _outbox(outbox)
        delivered = Counter(w[1] for w in lines if w[0] == "deliver")
        repeats = [w[1] for w in lines if w[0] == "repeat"]
        outcomes = dict(
            site.db.rows("SELECT key, outcome FROM booking_delivery WHERE kind = 'confirmation'")
        )
        assert set(outcomes.values()) == {"sent"}
        assert {k: delivered[k] for k in outcomes} == dict.fromkeys(outcomes, 1)
        assert all(delivered[k] == 1 for k in interrupted)  # sent after the restart, once
        # A repeat is possible only for a kill between the gateway's acceptance and the
        # "sent" record: at most one per kill, and the gateway drops it by its key.
        assert len(repeats) <= kills
        failed = site.db.rows(
            "SELECT task_path, status FROM django_tasks_database_dbtaskresult"
            " WHERE status IN ('FAILED', 'RUNNING')"
        )
        assert failed == []

        # The manage link in each message works, and the raw token is nowhere else.
        links = {w[1]: w[2] for w in lines if w[0] == "deliver"}
        for token in tokens:
            assert any(token in link for link in links.values()), token
            status, _body = until_answered(site.base, "GET", f"/api/v1/booking/bookings/{token}")
            assert status == 200
        dump = site.db.dump()
        logs = "\n".join(p.read_text(errors="replace") for p in site.logs)
        for token in tokens:
            assert token not in dump
            assert token not in logs
        assert re.search(r"re-queued \d+ task", logs)  # the recovery said what it did
    finally:
        stop(server)
