"""``luukku serve``: the production command (``make serve``, the container image).

Runs the migrations, collects the static files (hashed, compressed names), then starts
uvicorn with several worker processes and the task worker (``db_worker``) beside it;
stopping ``luukku serve`` (Ctrl-C, SIGTERM) stops both. The database comes from
``DATABASE_URL``; PostgreSQL connections are pooled per process. ``--only web`` and
``--only worker`` split the two for containers (compose.yaml runs one of each).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="luukku serve", description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("LUUKKU_WEB_WORKERS", "0")) or os.cpu_count() or 2,
        help="uvicorn worker processes (LUUKKU_WEB_WORKERS; default: one per CPU)",
    )
    p.add_argument(
        "--only",
        choices=["web", "worker"],
        help="run only the web server (after migrate and collectstatic) or only the task worker",
    )
    p.add_argument("--no-migrate", action="store_true", help="skip migrate and collectstatic")
    return p


def _luukku(*args: str) -> list[str]:
    return [sys.executable, "-m", "luukku.cli", *args]


def _log_config() -> dict:
    """uvicorn's own messages in the project's format; its access log stays off."""
    fmt = os.environ.get("LUUKKU_LOG_FORMAT", "json")
    formatter = (
        {"()": "luukku.web.logs.JsonFormatter"}
        if fmt == "json"
        else {
            "()": "luukku.web.logs.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"luukku": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "luukku",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


class _TaskWorker:
    """``luukku db_worker`` in a child process, restarted if it dies, stopped on demand."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            _luukku("db_worker", "--no-reload", "--interval", "1", "-v", "0")
        )
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping.is_set():
            assert self.proc is not None
            code = self.proc.wait()
            if self.stopping.is_set():
                return
            print(f"luukku serve: the task worker exited ({code}); restarting", file=sys.stderr)
            time.sleep(1)
            self.proc = subprocess.Popen(
                _luukku("db_worker", "--no-reload", "--interval", "1", "-v", "0")
            )

    def stop(self) -> None:
        self.stopping.set()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
    # The production configuration of the children: hashed static names, pooled
    # PostgreSQL connections, JSON logs; DEBUG stays whatever LUUKKU_DEBUG says.
    os.environ["LUUKKU_STATIC_MANIFEST"] = "1"
    os.environ.setdefault("LUUKKU_DB_POOL", "1")
    os.environ.setdefault("LUUKKU_LOG_FORMAT", "json")
    if args.only != "worker" and not args.no_migrate:
        for step in (("migrate", "--noinput"), ("collectstatic", "--noinput", "-v", "0")):
            if subprocess.call(_luukku(*step)) != 0:
                print(f"luukku serve: {step[0]} failed", file=sys.stderr)
                return 1
    worker = _TaskWorker()
    if args.only == "worker":
        # The worker alone: stop it with SIGTERM like the server.
        signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
        worker.start()
        try:
            worker.stopping.wait()
        except KeyboardInterrupt:
            pass
        worker.stop()
        return 0
    if args.only is None:
        worker.start()
    try:
        import uvicorn

        uvicorn.run(
            "luukku.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers,
            loop="uvloop",
            http="httptools",
            lifespan="off",
            access_log=False,
            log_config=_log_config(),
            # X-Forwarded-For/-Proto are believed only from these addresses.
            forwarded_allow_ips=os.environ.get("LUUKKU_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            timeout_graceful_shutdown=10,
        )
    finally:
        worker.stop()
    return 0
