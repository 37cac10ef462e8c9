"""``luukku bench queue``: call-next latency under 20 concurrent officials, and the estimate's error.

Sets up a bench site (``bench-l``, 25 screened booths, 20 KELA officials, and
yesterday's served customers as its history) in the current database, queues
``tickets`` walk-ins, then ``officials`` workers (processes by default, each on its
own connection) call next and finish until the queue is empty. Latency is
measured around ``ticket_call_next`` only. Duplicate calls are counted from the
database afterwards. The waiting-time error comes from the core day simulation
(``core.queueing.daysim``), as the mean over seeds 0–9.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import threading
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from luukku.core.queueing.daysim import simulate_day
from luukku.queueing.models import Call, DeskSession, Ticket, TicketState
from luukku.queueing.services import (
    desk_session_start,
    session_scope,
    ticket_call_next,
    ticket_create,
    ticket_finish,
)
from luukku.registry.models import Agency, Service, Site, Size, Space, SpaceType, StaffProfile
from luukku.registry.snapshot import registry_snapshot

BENCH_SITE = "bench-l"
SEEDS = range(10)


def _setup(officials: int, tickets: int):
    kela = Agency.objects.get(code="KELA")
    site, _ = Site.objects.get_or_create(
        slug=BENCH_SITE, defaults={"name": "Bench L", "municipality": "Pori", "size": Size.L}
    )
    site.agencies_on_site.add(kela)
    have = Space.objects.filter(site=site).count()
    for i in range(have, officials + 5):
        Space.objects.create(
            site=site,
            name=f"Bench {i + 1}",
            customer_label=f"Piste {i + 1}",
            space_type=SpaceType.SCREENED_BOOTH,
        )
    services = list(Service.objects.filter(agency=kela, walk_in=True))
    Ticket.objects.filter(site=site).delete()
    _yesterday(site, services, tickets)
    _vacuum()
    users = get_user_model()
    profiles = []
    for i in range(officials):
        user, _ = users.objects.get_or_create(username=f"bench.official{i + 1:02d}")
        profile = StaffProfile.objects.filter(user=user).first()
        if profile is None:
            profile = StaffProfile.objects.create(
                user=user, role="official", agency=kela, home_site=site
            )
        profile.services.set(services)
        profile.sites.set([site])
        DeskSession.objects.filter(official=profile).delete()
        session = desk_session_start(official=profile, services=services, remote=False, site=site)
        profiles.append((profile, session_scope(session)))
    return site, services, profiles


def _yesterday(site, services, tickets: int) -> None:
    """Give the bench site yesterday's day behind it: ``tickets`` served, finished tickets.

    A running point's ticket table always holds its history, and PostgreSQL plans
    the officials' statements (on their connection's first call) from the table's
    size and statistics. In a brand-new database the table had never held a row
    when those plans were made, and sequential scans looked cheapest for as long as
    the connection lived: the first run on a fresh database measured that (p95 47
    to 62 ms) instead of a working day. Yesterday's customers are finished, so
    they are in none of the waiting or held indexes and no call can pick them.
    """
    start = timezone.now() - timedelta(days=1, hours=8)
    for i in range(tickets):
        ticket_create(
            site=site, service=services[i % len(services)], now=start + timedelta(seconds=30 * i)
        )
    served = start + timedelta(seconds=30 * tickets)
    Ticket.objects.filter(site=site).update(
        state=TicketState.DONE, called_at=served, service_started_at=served, service_ended_at=served
    )


def _vacuum() -> None:
    """Start from a vacuumed database, as autovacuum keeps a production one.

    Every run leaves thousands of dead row versions (each ticket called and finished);
    PostgreSQL's autovacuum clears them within a minute, but a server may run with it
    off (this machine's does), and then every run walked more dead index entries than
    the one before. The vacuum comes after the previous run's tickets are deleted and
    yesterday's are in place: its statistics describe a table with a day's tickets in
    it, as in production.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Ticket._meta.db_table}, {Call._meta.db_table}")


def _cpu_figures(cpu: list[tuple[float, float]]) -> dict:
    figures = {}
    for i, side in enumerate(("client", "server")):
        values = [c[i] for c in cpu] or [0.0]
        figures[f"call_cpu_{side}_ms_p50"] = round(statistics.median(values), 3)
        figures[f"call_cpu_{side}_ms_mean"] = round(statistics.fmean(values), 3)
    return figures


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


#: How long after the last official is ready the round's press happens: enough for
#: every process to be woken from the barrier and asleep until that moment.
PRESS_DELAY_S = 0.02


def _press_together(barrier, go_at) -> None:
    """Wait for everyone, then sleep until the round's common moment and return.

    A barrier alone releases twenty processes one after another (each wake-up hands
    a lock to the next), so the first had pressed long before the last woke and the
    harness, not the system, decided who waited. The barrier's last arrival sets a
    moment ``PRESS_DELAY_S`` ahead; everyone sleeps until then, so the presses
    start together as when officials click at the same moment.
    """
    barrier.wait(timeout=60)
    delay = go_at.value - time.monotonic()
    if delay > 0:
        time.sleep(delay)


class _CallCpu:
    """CPU time one call costs this worker and, on PostgreSQL, its database backend.

    Read from ``/proc/<pid>/schedstat`` (nanoseconds on a CPU), which counts exactly,
    unlike a process-time clock sampled at each tick. The backend of this worker's
    connection runs on the same machine, so its share is read the same way. Under
    twenty simultaneous presses the latency is mostly waiting for a CPU; these two
    figures say what a call itself costs, and change only when the code does.
    """

    def __init__(self) -> None:
        self.backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = cursor.fetchone()[0]

    @staticmethod
    def _ns(pid) -> int:
        try:
            with open(f"/proc/{pid}/schedstat", encoding="ascii") as fh:
                return int(fh.read().split()[0])
        except OSError:
            return 0

    def now(self) -> tuple[int, int]:
        # thread-self: in --mode threads the others' calls run in this same process.
        return self._ns("thread-self"), self._ns(self.backend) if self.backend else 0

    def since(self, before: tuple[int, int]) -> tuple[float, float]:
        after = self.now()
        return ((after[0] - before[0]) / 1e6, (after[1] - before[1]) / 1e6)


def _work(official_id: int, scope, barrier, opened, rounds: int = 0, go_at=None) -> dict:
    """One official: call next and finish until nobody waits; return latencies in ms.

    The official's desk opens before the customers come: a first "call next" finds
    the queue empty (as at the start of a day; it also readies the worker's caches
    and prepared statements, as any running server has them), then ``opened`` waits
    for the queue to be filled. With ``rounds`` the officials press "call next"
    together, round after round (a barrier before each press, and one after it
    before they finish the customer, who is served between presses), as when a room
    of officials finish at the same moment; without it each calls again as soon as
    it has finished (a saturated system where every official's finish competes with
    the others' calls).
    """
    out: dict = {"latencies": [], "called": [], "cpu": [], "error": None, "wall": 0.0}
    try:
        official = StaffProfile.objects.get(pk=official_id)
        if ticket_call_next(official=official, scope=scope).reason != "empty":
            raise RuntimeError("the queue was not empty when the desk opened")
        cpu = _CallCpu()
        opened.wait(timeout=60)  # every desk is open
        opened.wait(timeout=120)  # the customers have taken their numbers
        started = time.perf_counter()
        barrier.wait()
        for _round in range(rounds or 10**9):
            if rounds:
                _press_together(barrier, go_at)
            before = cpu.now()
            t0 = time.perf_counter()
            result = ticket_call_next(official=official, scope=scope)
            elapsed = (time.perf_counter() - t0) * 1000.0
            spent = cpu.since(before)
            if result.ticket is None:
                if result.reason != "empty":
                    raise RuntimeError(result.reason)
                if not rounds:
                    break
                barrier.wait(timeout=60)  # the finish barrier of this round
                continue
            out["latencies"].append(elapsed)
            out["called"].append(result.ticket.pk)
            out["cpu"].append(spent)
            if rounds:
                # The customer is served between presses: everyone's call of this
                # round is over before anyone finishes, as at a real desk.
                barrier.wait(timeout=60)
            ticket_finish(ticket=result.ticket, official=official)
        out["wall"] = time.perf_counter() - started
    except Exception as exc:  # reported in the result
        out["error"] = repr(exc)
    finally:
        connections.close_all()
    return out


def _run_threads(profiles: list, fill) -> list[dict]:
    barrier = threading.Barrier(len(profiles))
    opened = threading.Barrier(len(profiles) + 1)
    outputs: list[dict] = []
    lock = threading.Lock()

    def target(pk, scope):
        out = _work(pk, scope, barrier, opened)
        with lock:
            outputs.append(out)

    threads = [threading.Thread(target=target, args=p) for p in profiles]
    for t in threads:
        t.start()
    started = _open_and_fill(opened, fill)
    for t in threads:
        t.join()
    return outputs, _busy_seconds() - started


def _open_and_fill(opened, fill) -> float:
    """Wait until every desk is open, queue the customers, let the officials call.

    Returns the machine's busy CPU seconds so far (``_busy_seconds``).
    """
    opened.wait(timeout=60)
    fill()
    connections.close_all()
    busy = _busy_seconds()
    opened.wait(timeout=120)
    return busy


def _busy_seconds() -> float:
    """CPU seconds every core of this machine has been busy since boot (0.0 if unknown).

    Read from ``/proc/stat`` (user, nice, system, irq, softirq: the database server's
    work and the officials' alike); the difference over the calling phase divided by
    the customers served is a steadier figure than a latency percentile on a shared
    machine, for telling whether a change made a call cheaper.
    """
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = fh.readline().split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _process_main(pk, scope, barrier, opened, queue, rounds, go_at) -> None:
    queue.put(_work(pk, scope, barrier, opened, rounds, go_at))


def _run_processes(profiles: list, fill, rounds: int = 0) -> list[dict]:
    """One OS process per official, as officials' requests reach separate server workers."""
    ctx = multiprocessing.get_context("fork")
    go_at = ctx.Value("d", 0.0)

    def set_moment() -> None:  # runs in the last process to reach the barrier
        go_at.value = time.monotonic() + PRESS_DELAY_S

    barrier = ctx.Barrier(len(profiles), action=set_moment)
    opened = ctx.Barrier(len(profiles) + 1)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_process_main, args=(pk, scope, barrier, opened, queue, rounds, go_at))
        for pk, scope in profiles
    ]
    for p in procs:
        p.start()
    started = _open_and_fill(opened, fill)
    outputs = [queue.get() for _ in procs]
    busy = _busy_seconds() - started
    for p in procs:
        p.join()
    return outputs, busy


def run(
    *,
    db: str,
    json_path: str | None,
    tickets: int = 500,
    officials: int = 20,
    mode: str = "rounds",
) -> dict:
    """Run the queue benchmark on the current database; write JSON to ``json_path`` if given.

    ``mode="rounds"`` (default): each official in its own process, all pressing "call
    next" at the same moment, round after round, as 20 officials calling concurrently;
    ``mode="processes"`` runs each official in its own process, like
    officials whose requests reach different server workers; ``"threads"`` runs
    them as threads of this process (then Python's GIL, not the database, sets
    the latency).
    """
    if mode not in ("rounds", "processes", "threads"):
        raise ValueError("mode must be rounds, processes or threads")
    site, services, profiles = _setup(officials, tickets)

    def fill() -> None:
        start = timezone.now() - timedelta(hours=1)
        for i in range(tickets):
            ticket_create(
                site=site, service=services[i % len(services)], now=start + timedelta(seconds=5 * i)
            )

    # A running server's workers hold the registry snapshot already (it is rebuilt only
    # when the registry changes); build it before the officials' processes fork, so
    # that the first round measures calls, not twenty snapshot builds.
    registry_snapshot()
    profiles_ids = [(official.pk, scope) for official, scope in profiles]
    connections.close_all()  # each worker opens its own connection
    if mode == "threads":
        outputs, busy = _run_threads(profiles_ids, fill)
    elif mode == "rounds":
        outputs, busy = _run_processes(profiles_ids, fill, rounds=-(-tickets // officials) + 1)
    else:
        outputs, busy = _run_processes(profiles_ids, fill)
    wall = max(out["wall"] for out in outputs) or float("inf")  # inf: every worker failed
    latencies = [x for out in outputs for x in out["latencies"]]
    called = [x for out in outputs for x in out["called"]]
    cpu = [x for out in outputs for x in out["cpu"]]
    errors = [out["error"] for out in outputs if out["error"]]

    duplicates = (
        Call.objects.filter(site=site, recall=False)
        .values("ticket_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    duplicates += len(called) - len(set(called))
    days = [simulate_day(seed=s) for s in SEEDS]
    result = {
        "db": db,
        "vendor": connection.vendor,
        "tickets": tickets,
        "officials": officials,
        "mode": mode,
        "calls": len(called),
        "call_next_p50_ms": round(statistics.median(latencies), 2),
        "call_next_p95_ms": round(_percentile(latencies, 95), 2),
        "call_next_max_ms": round(max(latencies), 2),
        "calls_per_second": round(len(called) / wall, 1),
        # The whole machine's CPU (database, officials' processes) per customer called
        # and finished, over the calling phase.
        "cpu_ms_per_customer": round(busy * 1000 / max(len(called), 1), 3),
        # What one call costs the worker and the database backend, in CPU ms: the
        # median call, and the mean (which counts the calls that had to be repeated).
        **_cpu_figures(cpu),
        "duplicate_calls": duplicates,
        "uncalled_tickets": Ticket.objects.filter(site=site, state="waiting").count(),
        "errors": [repr(e) for e in errors],
        "wait_estimate_mae_min": round(statistics.fmean(d.mae_minutes for d in days), 2),
        "wait_estimate_basis": "core.queueing.daysim simulated day (default DayConfig), mean over seeds 0-9",
        "wait_estimate_band_coverage": round(statistics.fmean(d.band_coverage for d in days), 3),
    }
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return result
