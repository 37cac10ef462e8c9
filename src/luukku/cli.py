"""The ``luukku`` console command.

``luukku plan``, ``luukku simulate`` and ``luukku bench simulate`` are pure-Python
planning tools that need no database; everything else is a Django management
command (``luukku migrate``, ``luukku seed-demo``, ``luukku bench booking`` ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("plan", "simulate"):
        from luukku.core.planning import cli as planning_cli

        return planning_cli.main(argv)
    if argv[:2] == ["bench", "simulate"]:
        from luukku.core.planning import cli as planning_cli

        return planning_cli.main(["bench-simulate", *argv[2:]])
    if argv[:1] == ["bench"]:
        _bench_database(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
    from django.core.management import execute_from_command_line

    # Management commands use underscores; accept the friendlier dashed spelling.
    if argv:
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["luukku", *argv])
    return 0


def _bench_database(argv: list[str]) -> None:
    """Point a benchmark at its own database before Django reads the settings.

    ``--db sqlite`` uses ``var/bench-<name>.sqlite3``; ``--db postgres`` uses
    ``LUUKKU_BENCH_DATABASE_URL`` (default: database ``luukku_bench`` on the local
    server), created if missing. A benchmark never touches the demo's database, and
    runs with DEBUG off unless ``LUUKKU_DEBUG`` says otherwise.
    """
    # Measure the production configuration: with DEBUG on, Django logs every query
    # (a tenth of a millisecond each on the hot paths). LUUKKU_DEBUG=1 overrides.
    os.environ.setdefault("LUUKKU_DEBUG", "0")
    db = None
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            db = argv[i + 1]
        elif arg.startswith("--db="):
            db = arg.split("=", 1)[1]
    name = argv[1] if len(argv) > 1 else "bench"
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.makedirs("var", exist_ok=True)
        os.environ["LUUKKU_SQLITE"] = os.path.abspath(f"var/bench-{name}.sqlite3")
    elif db in ("postgres", "postgresql"):
        url = os.environ.get(
            "LUUKKU_BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/luukku_bench_{name}"
        )
        os.environ["DATABASE_URL"] = url
        _ensure_postgres_database(url)


def _ensure_postgres_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    dbname = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            conn.execute(f'CREATE DATABASE "{dbname}"')


if __name__ == "__main__":
    sys.exit(main())
