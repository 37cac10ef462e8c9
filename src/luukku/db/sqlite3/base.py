"""Django's SQLite backend with one addition: write transactions queue in the kernel.

Every ``transaction.atomic()`` on SQLite begins with ``BEGIN IMMEDIATE`` (settings),
which serializes writers: that is what keeps a slot or a customer from being given
twice. A writer that finds the database locked waits in SQLite's busy handler, which
sleeps 1, 2, 5 … 100 ms between tries, so the lock often sits free while every
waiter sleeps. Measured with ``luukku bench queue --db sqlite`` (20 officials
pressing "call next" together, BENCHMARKS.md): call-next p95 over a second with the
stock backend. Here a writer first takes an exclusive ``flock`` on a file beside
the database and releases it after ``COMMIT`` or ``ROLLBACK``: waiting writers sleep
in the kernel, and the next wakes as soon as the lock is free. SQLite's own lock
still guards every write; the file lock only orders who asks for it next.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queued = False

    def _start_transaction_under_autocommit(self):
        path = None if self.is_in_memory_db() else f"{self.settings_dict['NAME']}.writers"
        if path is not None and self.transaction_mode is not None:
            if self._queue_fd is None:
                self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
            self._queued = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
