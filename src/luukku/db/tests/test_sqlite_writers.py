"""The SQLite backend's writer queue: write transactions hold a file lock, and wait for it."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, connections, transaction

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend only"),
]


def _locked_by_someone(path: str) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_writers__transaction_holds_the_file_lock_until_commit_or_rollback():
    path = connection._writer_lock_path()
    with transaction.atomic():
        assert _locked_by_someone(path)
    assert not _locked_by_someone(path)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert _locked_by_someone(path)
        raise RuntimeError("roll back")
    assert not _locked_by_someone(path)


def test_writers__concurrent_read_modify_write__serialized_and_prompt():
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS writers_counter (n INTEGER)")
        cur.execute("DELETE FROM writers_counter")
        cur.execute("INSERT INTO writers_counter VALUES (0)")
    errors, waits = [], []

    def worker():
        try:
            for _ in range(15):
                t0 = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cur:
                    waits.append(time.perf_counter() - t0)
                    cur.execute("SELECT n FROM writers_counter")
                    (n,) = cur.fetchone()
                    time.sleep(0.001)  # widen the window a lost update would need
                    cur.execute("UPDATE writers_counter SET n = %s", [n + 1])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with connection.cursor() as cur:
        cur.execute("SELECT n FROM writers_counter")
        assert cur.fetchone()[0] == 8 * 15
        cur.execute("DROP TABLE writers_counter")
    # Eight writers of ~1 ms each: nobody should sit in a 100 ms busy-handler sleep.
    assert max(waits) < 1.0


def test_writers__checkpoint_runs_once_the_file_lock_is_released(monkeypatch):
    """SQLite's own checkpoint would run inside COMMIT, with the queue waiting behind it."""
    from luukku.db.sqlite3 import base

    path = connection._writer_lock_path()
    locked_at_checkpoint = []
    checkpoint = base.DatabaseWrapper._checkpoint_now_and_then

    def watched(self):
        locked_at_checkpoint.append(_locked_by_someone(path))
        checkpoint(self)

    monkeypatch.setattr(base.DatabaseWrapper, "_checkpoint_now_and_then", watched)
    monkeypatch.setattr(base, "CHECKPOINT_EVERY", 1)  # the real checkpoint runs too
    for _ in range(2):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT 1")
    assert locked_at_checkpoint == [False, False]
    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_autocheckpoint")
        assert cur.fetchone()[0] == base.AUTOCHECKPOINT_PAGES
