"""``luukku bench http``: availability through the production server, under load.

Loads (or reuses) the national data set of ``luukku bench booking`` in its database,
starts ``luukku serve --only web`` against it (uvicorn, several workers, DEBUG off,
JSON access log to a file), and runs wrk — an established HTTP load generator — with
32 connections over a seeded mix of ``GET /api/v1/booking/availability`` addresses:
a service in the points of one region (most searches), in one point, or anywhere in
the country, over the next two to eight weeks, some remote-only. Reports wrk's
latency percentiles, requests per second, errors and non-2xx answers, and the CPU
the server processes and the database backends spent per request, as JSON.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection

from luukku.bench.national import (
    SCALES,
    constraint_present,
    generate,
    regions_of_existing,
    reset,
    reset_sequences,
)
from luukku.booking.models import Booking
from luukku.registry.models import Site
from luukku.registry.snapshot import registry_snapshot

# wrk's report as one JSON line; latencies are in microseconds.
WRK_SCRIPT = """
local urls = {%s}
local n = #urls
local i = math.random(0, n - 1)
request = function()
  i = (i %% n) + 1
  return wrk.format("GET", urls[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%.1f, "connect_errors": %%d, ' ..
    '"read_errors": %%d, "write_errors": %%d, "non_2xx": %%d, "timeouts": %%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def ensure_national(*, scale_name: str, fresh: bool, seed: int) -> dict:
    """The national data set as ``luukku bench booking`` builds it (reused if present)."""
    scale = SCALES[scale_name]
    have = (
        Site.objects.filter(slug__startswith="bench-").count() == sum(scale.sites.values())
        and Booking.objects.count() >= scale.bookings
        and constraint_present()
    )
    if fresh or not have:
        reset()
        info = generate(scale, random.Random(seed))
        reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE booking_reservation")
                cur.execute("VACUUM ANALYZE booking_booking")
        return info
    return regions_of_existing()


def url_mix(info: dict, n: int, rng: random.Random) -> list[str]:
    """Seeded availability addresses: region 60 %, one point 25 %, the country 15 %."""
    snap = registry_snapshot()
    slugs = dict(Site.objects.values_list("pk", "slug"))
    services = sorted(s.code for s in snap.services.values() if s.bookable)
    regions = info["regions"]
    start = info["start_day"]
    urls = []
    for _ in range(n):
        params: list[tuple[str, str]] = [("service", rng.choice(services))]
        first = start + timedelta(days=rng.randrange(0, 7))
        params += [("from", first.isoformat()),
                   ("to", (first + timedelta(weeks=rng.choice((2, 4, 8)))).isoformat())]  # fmt: skip
        where = rng.random()
        region = rng.choice(sorted(regions))
        if where < 0.60:
            params += [("site", slugs[pk]) for pk in regions[region]]
        elif where < 0.85:
            params.append(("site", slugs[rng.choice(regions[region])]))
        if rng.random() < 0.1:
            params.append(("channel", "remote"))
        urls.append("/api/v1/booking/availability?" + urlencode(params))
    return urls


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(base: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"luukku serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("luukku serve did not become ready")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True)
    children: dict[int, list[int]] = {}
    for line in out.stdout.splitlines():
        child, parent = (int(x) for x in line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_sample(server_pid: int) -> dict[str, dict[int, float]]:
    """CPU so far of the server's processes and of this database's backends."""
    backends: list[int] = []
    if connection.vendor == "postgresql":  # SQLite runs inside the server's processes
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            backends = [row[0] for row in cur.fetchall()]
    return {
        "server": {p: _cpu_seconds(p) for p in [server_pid, *_descendants(server_pid)]},
        "postgres": {p: _cpu_seconds(p) for p in backends},
    }


def _cpu_ms_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    return {
        f"{side}_cpu_ms_per_request": round(
            sum(cpu - before[side].get(pid, 0.0) for pid, cpu in after[side].items())
            / max(requests, 1)
            * 1000,
            1,
        )
        for side in ("server", "postgres")
    }


def _wrk(base: str, script: Path, connections: int, seconds: int, threads: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
           "-s", str(script), base]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def run(
    *,
    scale_name: str,
    fresh: bool,
    seed: int,
    connections: int,
    seconds: int,
    warmup: int,
    workers: int,
    urls: int,
    wrk_threads: int,
    json_path: str | None,
) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("luukku bench http: wrk not found (Debian: apt-get install -y wrk)")
    t0 = time.perf_counter()
    info = ensure_national(scale_name=scale_name, fresh=fresh, seed=seed)
    setup_s = time.perf_counter() - t0
    rng = random.Random(seed)
    mix = url_mix(info, urls, rng)
    work = Path(tempfile.mkdtemp(prefix="luukku-bench-http-"))
    script = work / "mix.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(u) for u in mix))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LUUKKU_VAR": str(work),
        "LUUKKU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The rate limits still count every request (as in production), but one
        # load generator's address must not be refused as a script would be.
        "LUUKKU_RATE_SEARCH": "100000000/m",
    }
    log = open(work / "serve.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "luukku.cli",
            "serve",
            "--only",
            "web",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],  # fmt: skip
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(base, server)
        if warmup:
            _wrk(base, script, connections, warmup, wrk_threads)
        load_before = os.getloadavg()
        cpu_before = _cpu_sample(server.pid)
        result = _wrk(base, script, connections, seconds, wrk_threads)
        cpu_after = _cpu_sample(server.pid)
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    seconds_run = result["duration_us"] / 1e6
    errors = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    out = {
        "scale": scale_name,
        "db": connection.vendor,
        "existing_bookings": Booking.objects.count(),
        "sites": Site.objects.filter(slug__startswith="bench-").count(),
        "server": f"luukku serve --only web --workers {workers} (uvicorn, DEBUG off)",
        "load_generator": f"wrk -t{wrk_threads} -c{connections} -d{seconds}s",
        "connections": connections,
        "distinct_urls": len(set(mix)),
        "requests": result["requests"],
        "requests_per_s": round(result["requests"] / seconds_run, 1),
        "p50_ms": round(result["p50_us"] / 1000, 1),
        "p90_ms": round(result["p90_us"] / 1000, 1),
        "p95_ms": round(result["p95_us"] / 1000, 1),
        "p99_ms": round(result["p99_us"] / 1000, 1),
        "max_ms": round(result["max_us"] / 1000, 1),
        "errors": errors,
        "non_2xx": result["non_2xx"],
        # CPU per answered request, of the server's processes and of the database's
        # backends: on this many cores, requests_per_s cannot exceed what these allow.
        **_cpu_ms_per_request(cpu_before, cpu_after, result["requests"]),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        "setup_s": round(setup_s, 1),
        "server_log": str(work / "serve.log"),
    }
    if json_path:
        with open(json_path, "w") as fh:
            json.dump(out, fh, indent=2)
    return out
