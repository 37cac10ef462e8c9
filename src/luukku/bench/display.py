"""``luukku bench display``: N open displays on the production server, call → display latency.

Starts the production ASGI server (``luukku serve --only web``: uvicorn, ``--workers``
processes) on the benchmark's database, opens ``displays`` Server-Sent-Event streams
to the Pori display (aiohttp, one event loop), then makes ``calls`` calls through the
services, one after another: a number taken, called next, and finished once every
display has shown it. For each call and each display, the time from the moment
"call next" was pressed (before ``ticket_call_next``) until that display had the
call's event: p50/p95/p99 over every display, and of the slowest display per call.

Database queries caused by displays come from the servers' hubs (``DisplayHub.stats``,
written by each process to ``LUUKKU_DISPLAY_STATS``): the statements of the hub's
reader thread and its listener, per call and per server process, measured over the
calls; and the writer's ``pg_notify`` statements, counted in this process.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection, connections

from luukku.queueing.models import DeskSession, Ticket, TicketState
from luukku.queueing.services import (
    desk_session_start,
    session_scope,
    ticket_call_next,
    ticket_create,
    ticket_finish,
)
from luukku.registry.models import Service, Site, StaffProfile

SITE = "pori"
SERVICE = "housing-allowance"
OFFICIAL = "kela.pori1"
#: A display that has not shown a call after this long counts as missed.
PATIENCE = 30.0
#: Before and after each call, long enough for the hubs to have read everything.
QUIET = 0.3


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _ms(values: list[float]) -> dict:
    return {
        "p50": round(_percentile(values, 50) * 1000, 1),
        "p95": round(_percentile(values, 95) * 1000, 1),
        "p99": round(_percentile(values, 99) * 1000, 1),
        "max": round(max(values) * 1000, 1) if values else None,
        "n": len(values),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raise_open_files(need: int) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        soft = min(hard, max(need, soft)) if hard != resource.RLIM_INFINITY else need
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return {"soft": resource.getrlimit(resource.RLIMIT_NOFILE)[0], "needed": need}


class Server:
    """``luukku serve --only web`` in a child process group, with the hubs' stats directory."""

    def __init__(self, workers: int, port: int, stats_dir: str) -> None:
        env = dict(os.environ)
        env.update(
            LUUKKU_DEBUG="0",
            LUUKKU_SECRET_KEY=env.get("LUUKKU_SECRET_KEY") or secrets.token_urlsafe(40),
            LUUKKU_ALLOWED_HOSTS="127.0.0.1,localhost",
            LUUKKU_DISPLAY_STATS=stats_dir,
            LUUKKU_ACCESS_LOG="0",
            LUUKKU_LOG_FORMAT="text",
            LUUKKU_WEB_WORKERS=str(workers),
        )
        self.port = port
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "luukku.cli", "serve", "--only", "web", "--no-migrate",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60.0) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode})")
            # HEAD of the stream: answered by the display endpoint itself, at once.
            url = f"http://127.0.0.1:{self.port}/sites/{SITE}/display/events/"
            try:
                with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not answer /healthz")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _read_stats(stats_dir: str) -> dict[int, dict]:
    out = {}
    for path in Path(stats_dir).glob("*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        out[data["pid"]] = data
    return out


def _proc_status(pid: int) -> dict:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {
        "threads": int(fields["Threads"].strip()),
        "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
    }


def _setup():
    site = Site.objects.get(slug=SITE)
    service = Service.objects.select_related("agency").get(code=SERVICE)
    official = StaffProfile.objects.get(user__username=OFFICIAL)
    DeskSession.objects.filter(official=official).delete()
    Ticket.objects.filter(site=site).exclude(state__in=[TicketState.DONE]).update(
        state=TicketState.DONE
    )
    session = desk_session_start(official=official, services=[service], remote=False, site=site)
    return site, service, official, session_scope(session)


class Clients:
    """``n`` displays reading the stream; when each saw each number's call event."""

    def __init__(self, url: str, n: int) -> None:
        self.url = url
        self.n = n
        self.connected = 0
        self.seen: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self._all_connected = asyncio.Event()
        self._progress = asyncio.Event()

    async def _one(self, session) -> None:
        import aiohttp

        try:
            async with session.get(self.url, timeout=aiohttp.ClientTimeout(total=None)) as r:
                if r.status != 200:
                    self.errors.append(f"status {r.status}")
                    return
                self.connected += 1
                if self.connected == self.n:
                    self._all_connected.set()
                event = None
                async for raw in r.content:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "call":
                        at = time.perf_counter()
                        number = json.loads(line[6:])["number"]
                        self.seen.setdefault(number, []).append(at)
                        self._progress.set()
                    elif not line:
                        event = None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # counted, reported
            self.errors.append(type(exc).__name__)

    async def wait_all(self, number: str, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while len(self.seen.get(number, ())) < self.n:
            self._progress.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            try:
                async with asyncio.timeout(left):
                    await self._progress.wait()
            except TimeoutError:
                return False
        return True


async def _measure(base: str, displays: int, calls: int, stats_dir: str, cycle) -> dict:
    import aiohttp

    clients = Clients(f"{base}/sites/{SITE}/display/events/", displays)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [asyncio.ensure_future(clients._one(session)) for _ in range(displays)]
        opened = time.perf_counter()
        try:
            async with asyncio.timeout(120):
                await clients._all_connected.wait()
        except TimeoutError:
            pass
        connect_s = time.perf_counter() - opened
        await asyncio.sleep(2.0)  # every hub has read its board; quiet
        run_before, run_started = _read_stats(stats_dir), time.perf_counter()
        per_display: list[float] = []
        slowest: list[float] = []
        missed = 0
        notifies = 0
        keys = ("queries", "reads", "listener_statements", "notifications")
        processes: dict[int, dict] = {}
        for _ in range(calls):
            prepare, press = await asyncio.to_thread(cycle)
            await asyncio.to_thread(prepare)  # the number taken: its own notice and read
            await asyncio.sleep(QUIET)
            before = _read_stats(stats_dir)
            number, pressed, writer_notifies, finish = await asyncio.to_thread(press)
            notifies += writer_notifies
            if not await clients.wait_all(number, PATIENCE):
                missed += 1
            arrivals = [a - pressed for a in clients.seen.get(number, [])]
            per_display += arrivals
            if arrivals:
                slowest.append(max(arrivals))
            await asyncio.sleep(QUIET)
            after = _read_stats(stats_dir)  # what the call alone cost the hubs
            for pid, stats in after.items():
                old = before.get(pid, {})
                mine = processes.setdefault(pid, dict.fromkeys(keys, 0))
                for key in keys:
                    mine[key] += stats[key] - old.get(key, 0)
            await asyncio.to_thread(finish)
        run_after, run_s = _read_stats(stats_dir), time.perf_counter() - run_started
        displays_per_process = {pid: s.get("displays") for pid, s in run_after.items()}
        run_queries = sum(
            s["queries"]
            + s["listener_statements"]
            - run_before.get(pid, {}).get("queries", 0)
            - run_before.get(pid, {}).get("listener_statements", 0)
            for pid, s in run_after.items()
        )
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "clients": clients,
        "connect_s": connect_s,
        "per_display": per_display,
        "slowest": slowest,
        "missed": missed,
        "writer_notifies": notifies,
        "processes": processes,
        "displays_per_process": displays_per_process,
        "run_queries": run_queries,
        "run_s": run_s,
    }


def run(*, db: str, displays: int = 1000, calls: int = 100, workers: int = 2, json_path=None):
    files = _raise_open_files(displays + 256)
    site, service, official, scope = _setup()
    connections.close_all()

    def cycle():
        """One call's steps, each run on a worker thread: take a number; press call next
        (its number, when pressed, the notices it sent, how to finish it)."""
        taken = []

        def prepare():
            taken.append(ticket_create(site=site, service=service))
            connections.close_all()

        def press():
            sent = [0]

            def count(execute, sql, params, many, context):
                if "pg_notify" in sql:
                    sent[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                pressed = time.perf_counter()
                result = ticket_call_next(official=official, scope=scope)
            connections.close_all()
            assert result.reason == "called" and result.ticket == taken[0], result.reason

            def finish():
                ticket_finish(ticket=result.ticket, official=official)
                connections.close_all()

            return taken[0].number, pressed, sent[0], finish

        return prepare, press

    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="luukku-display-stats-") as stats_dir:
        server = Server(workers, port, stats_dir)
        try:
            server.wait_ready()
            load_before = os.getloadavg()
            started = time.perf_counter()
            m = asyncio.run(_measure(f"http://127.0.0.1:{port}", displays, calls, stats_dir, cycle))
            elapsed = time.perf_counter() - started
            load_after = os.getloadavg()
            pids = sorted(m["processes"])
            procs = {
                str(pid): {
                    "displays": m["displays_per_process"].get(pid),
                    **m["processes"][pid],
                    **_proc_status(pid),
                }
                for pid in pids
            }
        finally:
            server.stop()
    clients = m["clients"]
    n_proc = max(len(procs), 1)
    queries = sum(p["queries"] + p["listener_statements"] for p in procs.values())
    result = {
        "benchmark": "display",
        "database": db,
        "server": f"luukku serve --only web --workers {workers} (uvicorn, uvloop, httptools)",
        "machine": {"cpus": os.cpu_count(), "open_files": files},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "displays": displays,
        "displays_connected": clients.connected,
        "client_errors": len(clients.errors),
        "connect_all_s": round(m["connect_s"], 2),
        "calls": calls,
        "calls_missed_by_some_display": m["missed"],
        "elapsed_s": round(elapsed, 1),
        "call_to_display_ms": _ms(m["per_display"]),
        "call_to_slowest_display_ms": _ms(m["slowest"]),
        "server_processes": procs,
        "display_queries_per_call": round(queries / calls, 2),
        "display_queries_per_call_per_process": round(queries / calls / n_proc, 2),
        "writer_pg_notify_per_call": round(m["writer_notifies"] / calls, 2),
        # The whole run (numbers taken and finished too), per second: on SQLite the poll.
        "display_queries_per_second_per_process": round(m["run_queries"] / m["run_s"] / n_proc, 2),
        "note": (
            "queries counted from just before each call until QUIET after every display "
            "had it (taking the number and finishing it, outside that window, each cost "
            "one notice and one read per process too). On SQLite the hubs poll every "
            "0.25 s whatever happens, so its count is reads in that window, not per call."
        ),
    }
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=2))
    return result


def summary(result: dict) -> str:
    lat = result["call_to_display_ms"]
    return (
        f"{result['displays_connected']}/{result['displays']} displays, {result['calls']} calls: "
        f"p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms; "
        f"{result['display_queries_per_call_per_process']} display queries per call per process"
    )
