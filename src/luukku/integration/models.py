"""What keeps the background worker and the clients' retries honest.

* :class:`WorkerHeartbeat`: each ``luukku db_worker`` process says it is alive, so
  a task left ``RUNNING`` by a worker that died can be run again (``worker.py``).
* :class:`ScheduledRun`: when each periodic task (the reminder sweep) is next due;
  a conditional update hands each period to exactly one worker.
* :class:`IdempotencyKey`: a client's ``Idempotency-Key`` (only its digest), unique,
  written in the same transaction as the ticket or visit it made, so that a retry
  gets that ticket or visit back instead of a second one.
"""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} {self.host}:{self.pid}"


class ScheduledRun(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.next_run_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """One client key of one operation (``scope``), and what it made."""

    #: sha256 of scope and key: the raw key can re-derive a visit's manage link.
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=20)
    #: sha256 of the request's content: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    visit = models.ForeignKey(
        "booking.Visit", null=True, on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        "queueing.Ticket", null=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.scope} {self.digest[:12]}"
