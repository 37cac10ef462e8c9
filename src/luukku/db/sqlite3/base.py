"""SQLite with a fair writer queue: write transactions wait in the kernel, not in a sleep loop.

Every ``transaction.atomic()`` on SQLite begins with ``BEGIN IMMEDIATE`` (settings),
which serializes writers: that is what keeps a slot or a customer from being given
twice. But a writer that finds the database locked waits in SQLite's busy handler,
which sleeps 1, 2, 5 … 100 ms between tries: with twenty officials pressing "call
next" together, the last one waited over a second although each call takes a
millisecond or two.

This backend takes an exclusive ``flock`` on a file beside the database before
``BEGIN IMMEDIATE`` and releases it after ``COMMIT`` or ``ROLLBACK``. Waiting writers
sleep in the kernel and the next one wakes as soon as the lock is free. Serialization
itself is unchanged: SQLite's own lock still guards every write, including
single statements outside transactions, which do not take the file lock.

A thread that already holds the file lock through another connection does not take
it again (it would wait for itself); it falls back to SQLite's busy handler, as
before. In-memory databases have no file and skip the lock.

Checkpoints (copying the write-ahead log back into the database file) happen outside
the queue. SQLite's own runs inside the ``COMMIT`` that fills the log past 1,000
pages, which here means while that writer still holds the file lock: every seventy
calls or so, twenty officials waited 13 ms more for one writer's checkpoint. Each
connection instead runs a passive checkpoint (which lets writers go on) after every
``CHECKPOINT_EVERY`` of its commits, once the file lock is released; SQLite's own
stays as a backstop at ``AUTOCHECKPOINT_PAGES`` for writes made outside transactions.
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base

_held = threading.local()

#: A connection's commits between its passive checkpoints.
CHECKPOINT_EVERY = 50

#: SQLite's own checkpoint, for a log that grows by writes outside transactions.
AUTOCHECKPOINT_PAGES = 10_000


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_locked = False
        self._commits = 0

    def init_connection_state(self):
        super().init_connection_state()
        if self._writer_lock_path() is not None:
            self.connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")

    def _writer_lock_path(self) -> str | None:
        if self.transaction_mode is None or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writers"

    def _writer_acquire(self) -> None:
        path = self._writer_lock_path()
        if path is None or getattr(_held, "count", 0):
            return
        if self._writer_fd is None:
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
        self._writer_locked = True
        _held.count = getattr(_held, "count", 0) + 1

    def _writer_release(self) -> None:
        if self._writer_locked:
            self._writer_locked = False
            _held.count -= 1
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._writer_acquire()
        try:
            # What Django's own does, on the driver's connection: a Django cursor costs
            # 40 µs more than the BEGIN itself, and it would be spent holding the lock.
            with self.wrap_database_errors:
                self.connection.execute(f"BEGIN {self.transaction_mode or ''}")
        except BaseException:
            self._writer_release()
            raise

    def _commit(self):
        try:
            result = super()._commit()
        finally:
            released = self._writer_locked
            self._writer_release()
        if released:  # after a commit that went through, never over its error
            self._checkpoint_now_and_then()
        return result

    def _checkpoint_now_and_then(self) -> None:
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY:
            self._commits = 0
            with self.wrap_database_errors:
                self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
