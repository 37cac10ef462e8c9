"""A notifier for the fault tests: an outbox file, and a gateway that drops repeats by key.

Each call writes ``attempt <key>``, waits ``LUUKKU_FAULTS_SEND_SECONDS`` (a slow
gateway, so that a ``kill -9`` lands mid-send), then, under a file lock, writes
``deliver <key> <manage link>`` the first time a key is handed over and ``repeat <key>``
after that, as a gateway with idempotency keys would. The test reads the file.
"""

from __future__ import annotations

import fcntl
import os
import re
import time

from luukku.integration.notify import Message, Notifier

_LINK = re.compile(r"https?://\S+/manage/\S+")


class FileNotifier(Notifier):
    def __init__(self) -> None:
        self.path = os.environ["LUUKKU_FAULTS_OUTBOX"]
        self.delay = float(os.environ.get("LUUKKU_FAULTS_SEND_SECONDS", "0.2"))

    def _append(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def send(self, message: Message) -> None:
        self._append(f"attempt {message.key}")
        time.sleep(self.delay)
        with open(self.path + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with open(self.path, encoding="utf-8") as f:
                seen = any(line.split()[:2] == ["deliver", message.key] for line in f)
            link = _LINK.search(message.body)
            if seen:
                self._append(f"repeat {message.key}")
            else:
                self._append(f"deliver {message.key} {link.group(0) if link else '-'}")
