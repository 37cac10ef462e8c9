"""The database task worker, made crash-safe: heartbeats, recovery, periodic tasks.

django-tasks-db 0.13 marks a task ``RUNNING`` when a worker takes it and records
the worker's id, but has no heartbeat: a worker killed mid-task leaves it
``RUNNING`` for ever. Here each worker writes a :class:`WorkerHeartbeat` every
``LUUKKU_WORKER_HEARTBEAT_SECONDS`` from a thread of its own (so a long task does
not stop it), and every tick resets to ``READY`` the running tasks whose worker is
gone:

* its heartbeat is older than ``LUUKKU_WORKER_STALE_SECONDS`` (a dead or cut-off
  host; no heartbeat at all counts from the task's start), or
* it ran on this host and its process no longer exists (so a worker restarted after
  ``kill -9`` takes the task up at once instead of waiting out the staleness), or
* it had this worker's own id (a worker restarted with the same ``--worker-id``).

A task is thus run at least once; the tasks themselves make that safe (the
deliveries in ``booking.tasks`` send each message once). The same tick hands each
period of each ``LUUKKU_SCHEDULE`` entry to exactly one worker (a conditional
update of :class:`ScheduledRun`), which enqueues the entry's task: the reminder
sweep runs on its own wherever a worker runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from luukku.integration.models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger("luukku.worker")

#: The reminder sweep every five minutes; deferred reminders go out on time anyway.
DEFAULT_SCHEDULE = {
    "reminder-sweep": {"task": "luukku.booking.tasks.sweep_deliveries", "every": 300},
}


def heartbeat_seconds() -> float:
    return float(getattr(settings, "LUUKKU_WORKER_HEARTBEAT_SECONDS", 10))


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "LUUKKU_WORKER_STALE_SECONDS", 60)))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


@dataclass(frozen=True)
class Running:
    task_id: str
    worker_id: str
    started_at: datetime | None


@dataclass(frozen=True)
class Beat:
    worker_id: str
    host: str
    pid: int
    seen_at: datetime


def lost_tasks(
    running: Iterable[Running],
    beats: dict[str, Beat],
    *,
    now: datetime,
    stale: timedelta,
    host: str,
    own_id: str,
    own_pid: int,
    at_start: bool,
    alive: Callable[[int], bool] = pid_alive,
) -> list[str]:
    """The running tasks whose worker is gone (see the module's rules)."""
    lost = []
    for task in running:
        beat = beats.get(task.worker_id)
        if task.worker_id == own_id:
            gone = at_start  # while this worker runs, its own tasks are alive
        elif beat is None:
            gone = task.started_at is None or task.started_at < now - stale
        elif beat.seen_at < now - stale:
            gone = True
        elif beat.host == host:
            # The same pid as this process under another worker id: that worker is gone
            # (a restarted container reuses small pids).
            gone = beat.pid == own_pid or not alive(beat.pid)
        else:
            gone = False
        if gone:
            lost.append(task.task_id)
    return lost


def recover_tasks(
    *, worker_id: str, backend_name: str = "default", at_start: bool = False
) -> list[str]:
    """Reset to READY the running tasks of workers that are gone; return their ids."""
    now = timezone.now()
    running = [
        Running(str(pk), (ids or [""])[-1], started)
        for pk, ids, started in DBTaskResult.objects.running()
        .filter(backend_name=backend_name)
        .values_list("id", "worker_ids", "started_at")
    ]
    if not running:
        return []
    beats = {
        b.worker_id: Beat(b.worker_id, b.host, b.pid, b.seen_at)
        for b in WorkerHeartbeat.objects.filter(worker_id__in={r.worker_id for r in running})
    }
    lost = lost_tasks(
        running,
        beats,
        now=now,
        stale=stale_after(),
        host=socket.gethostname(),
        own_id=worker_id,
        own_pid=os.getpid(),
        at_start=at_start,
    )
    if lost:
        DBTaskResult.objects.filter(id__in=lost, status="RUNNING").update(
            status="READY", started_at=None
        )
        logger.warning("re-queued %d task(s) left running by a lost worker", len(lost))
    return lost


def beat(*, worker_id: str, started_at: datetime) -> None:
    """Record that this worker is alive; forget workers silent for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def schedule() -> dict[str, dict]:
    return getattr(settings, "LUUKKU_SCHEDULE", DEFAULT_SCHEDULE)


def _task(path: str):
    try:
        return import_string(path)
    except ImportError as exc:  # a configuration error: say so, but keep the worker up
        raise ImproperlyConfigured(f"LUUKKU_SCHEDULE names no task {path!r}") from exc


def run_schedule(*, now: datetime | None = None) -> list[str]:
    """Enqueue each periodic task that is due, once across all workers; return their names."""
    now = now or timezone.now()
    enqueued = []
    for name, entry in schedule().items():
        every = timedelta(seconds=float(entry["every"]))
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
            won = ScheduledRun.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + every
            )
            if won:
                # In the same transaction: the period and its task commit together.
                _task(entry["task"]).enqueue()
                enqueued.append(name)
    return enqueued


class CrashSafeWorker(Worker):
    """django-tasks-db's worker plus the heartbeat thread described above."""

    def run(self) -> None:
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self.tick(at_start=True)
        thread = threading.Thread(target=self._beat_loop, name="luukku-heartbeat", daemon=True)
        thread.start()
        try:
            super().run()
        finally:
            self._stop.set()

    def tick(self, *, at_start: bool = False) -> None:
        beat(worker_id=self.worker_id, started_at=self.started_at)
        recover_tasks(worker_id=self.worker_id, backend_name=self.backend_name, at_start=at_start)
        try:
            run_schedule()
        except ImproperlyConfigured:
            logger.exception("periodic tasks not scheduled")

    def _beat_loop(self) -> None:
        while not self._stop.wait(heartbeat_seconds()):
            try:
                close_old_connections()
                self.tick()
            except Exception:  # noqa: BLE001 - the next tick tries again
                logger.exception("worker heartbeat failed")
        connection.close()
