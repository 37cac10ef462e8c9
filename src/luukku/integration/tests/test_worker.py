from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import get_commands
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luukku.integration.models import ScheduledRun, WorkerHeartbeat
from luukku.integration.worker import (
    Beat,
    Running,
    beat,
    lost_tasks,
    recover_tasks,
    run_schedule,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STALE = timedelta(seconds=60)


def _lost(running, beats, *, at_start=False, alive=lambda pid: True):
    return lost_tasks(
        running,
        {b.worker_id: b for b in beats},
        now=NOW,
        stale=STALE,
        host="here",
        own_id="me",
        own_pid=100,
        at_start=at_start,
        alive=alive,
    )


@pytest.mark.parametrize(
    "name, worker_id, beats, at_start, alive, lost",
    [
        ("own task while running", "me", [], False, True, []),
        ("own task at a restart with the same id", "me", [], True, True, ["t"]),
        ("fresh heartbeat elsewhere", "w", [Beat("w", "there", 5, NOW)], False, True, []),
        ("stale heartbeat", "w", [Beat("w", "there", 5, NOW - 2 * STALE)], False, True, ["t"]),
        ("same host, process gone", "w", [Beat("w", "here", 5, NOW)], False, False, ["t"]),
        ("same host, process alive", "w", [Beat("w", "here", 5, NOW)], False, True, []),
        (
            "same host, my pid under another id",
            "w",
            [Beat("w", "here", 100, NOW)],
            False,
            True,
            ["t"],
        ),
        ("no heartbeat, started long ago", "w", [], False, True, ["t"]),
    ],
)
def test_lost_tasks__rules(name, worker_id, beats, at_start, alive, lost):
    running = [Running("t", worker_id, NOW - 2 * STALE)]
    assert _lost(running, beats, at_start=at_start, alive=lambda pid: alive) == lost


def test_lost_tasks__no_heartbeat_but_just_started__is_left_alone():
    assert _lost([Running("t", "w", NOW - timedelta(seconds=5))], []) == []


def _running_task(worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="luukku.booking.tasks.sweep_deliveries",
        backend_name="default",
        run_after=datetime(9999, 1, 1, tzinfo=UTC),
        status="RUNNING",
        started_at=timezone.now(),
        worker_ids=[worker_id],
    )


def test_recover_tasks__task_of_a_killed_worker_on_this_host__runs_again(db):
    dead = _running_task("killed")
    live = _running_task("alive")
    now = timezone.now()
    host = socket.gethostname()
    # A pid that does not exist, and this process's parent (which does).
    WorkerHeartbeat.objects.create(
        worker_id="killed", host=host, pid=2**22 + 17, started_at=now, seen_at=now
    )
    WorkerHeartbeat.objects.create(
        worker_id="alive", host=host, pid=os.getppid(), started_at=now, seen_at=now
    )
    assert recover_tasks(worker_id="new") == [str(dead.pk)]
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, dead.started_at) == ("READY", None)
    assert live.status == "RUNNING"


def test_beat__records_this_process_and_forgets_long_silent_workers(db):
    old = timezone.now() - timedelta(days=2)
    WorkerHeartbeat.objects.create(worker_id="gone", host="x", pid=1, started_at=old, seen_at=old)
    beat(worker_id="w1", started_at=timezone.now())
    row = WorkerHeartbeat.objects.get()
    assert (row.worker_id, row.pid, row.host) == ("w1", os.getpid(), socket.gethostname())


def test_run_schedule__each_period_goes_to_one_worker(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LUUKKU_SCHEDULE = {
        "reminder-sweep": {"task": "luukku.booking.tasks.sweep_deliveries", "every": 300}
    }
    now = timezone.now()
    assert run_schedule(now=now) == ["reminder-sweep"]
    assert run_schedule(now=now) == []  # a second worker in the same period
    assert run_schedule(now=now + timedelta(seconds=299)) == []
    assert run_schedule(now=now + timedelta(seconds=301)) == ["reminder-sweep"]
    assert DBTaskResult.objects.filter(task_path__endswith="sweep_deliveries").count() == 2
    assert ScheduledRun.objects.get().next_run_at == now + timedelta(seconds=601)


def test_db_worker__is_the_crash_safe_command():
    assert get_commands()["db_worker"] == "luukku.integration"
