"""``luukku bench booking|queue|http|aggregate|report|simulate``: run a benchmark, print its figures as JSON.

``booking`` and ``queue`` each get a database of their own (``--db sqlite|postgres``)
and run with DEBUG off; Django is configured here, before the benchmark modules (which
use the models) are imported. ``simulate`` is pure Python and needs no database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from urllib.parse import urlparse

from luukku.bench import simulate
from luukku.core.planning import report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="luukku bench", description="Run a benchmark and write its figures as JSON."
    )
    sub = p.add_subparsers(dest="what", required=True)
    # booking and queue take the same flags, as the management command they replace did.
    django_bench = argparse.ArgumentParser(add_help=False)
    django_bench.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    django_bench.add_argument("--scale", choices=["national", "small"], default="national",
                              help="booking only: the size of the generated country")  # fmt: skip
    django_bench.add_argument("--json", dest="json_path", help="write the figures to this file")
    django_bench.add_argument("--fresh", action="store_true",
                              help="booking only: regenerate the data set even if it exists")  # fmt: skip
    django_bench.add_argument("--seed", type=int, default=2026)
    django_bench.add_argument(
        "--mode",
        choices=["rounds", "processes", "threads"],
        default="rounds",
        help="queue only: officials press together each round (rounds), or call back to back",
    )
    django_bench.add_argument(
        "--officials", type=int, default=20, help="queue only: how many officials call"
    )
    sub.add_parser("booking", parents=[django_bench], help="national-scale search and booking")
    sub.add_parser("queue", parents=[django_bench], help="call-next under concurrent officials")
    d = sub.add_parser("display", help="N open displays on luukku serve: call -> display latency")
    d.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    d.add_argument("--displays", type=int, default=1000, help="open display streams")
    d.add_argument("--calls", type=int, default=100, help="calls made, one after another")
    d.add_argument("--workers", type=int, default=2, help="server worker processes")
    d.add_argument("--json", dest="json_path", help="write the figures to this file")
    h = sub.add_parser(
        "http",
        help="GET /api/v1/booking/availability through luukku serve under wrk (national data set)",
    )
    h.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    h.add_argument("--scale", choices=["national", "small"], default="national")
    h.add_argument("--fresh", action="store_true", help="regenerate the data set even if it exists")
    h.add_argument("--seed", type=int, default=2026)
    h.add_argument("--connections", type=int, default=32, help="concurrent clients (wrk -c)")
    h.add_argument("--seconds", type=int, default=30, help="measured run (wrk -d)")
    h.add_argument("--warmup", type=int, default=5, help="seconds of load before measuring")
    h.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers")
    h.add_argument("--urls", type=int, default=2000, help="distinct addresses in the mix")
    h.add_argument("--wrk-threads", type=int, default=1)
    h.add_argument("--json", dest="json_path", help="write the figures to this file")
    a = sub.add_parser("aggregate", help="daily aggregation of a generated national day")
    a.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    a.add_argument("--visits", type=int, default=40_000)
    a.add_argument("--sites", type=int, default=100)
    a.add_argument("--repeats", type=int, default=5)
    a.add_argument("--seed", type=int, default=2026)
    a.add_argument("--json", dest="json_path", help="write the figures to this file")
    r = sub.add_parser("report", help="a year's network report from the daily aggregates")
    r.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    r.add_argument("--rows-per-day", type=int, default=60, help="aggregate rows per point a day")
    r.add_argument("--repeats", type=int, default=5)
    r.add_argument("--seed", type=int, default=2026)
    r.add_argument("--json", dest="json_path", help="write the figures to this file")
    s = sub.add_parser("simulate", help="Luukku vs Ciw on M/M/3 at 90 %% load")
    s.add_argument("--customers", type=int, default=20_000)
    s.add_argument("--replications", type=int, default=10)
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument("--json", dest="json_path", help="write the figures to this file")
    return p


def main(argv: list[str]) -> int:
    """Run ``luukku bench ARGV...``; the exit status."""
    args = _parser().parse_args(argv)
    if args.what == "simulate":
        return _simulate(args)
    # http measures the booking benchmark's national data set, in its database.
    _bench_database("booking" if args.what == "http" else args.what, args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if (args.db == "postgres") != (connection.vendor == "postgresql"):
        print(
            f"luukku bench: --db {args.db} but the database is {connection.vendor}", file=sys.stderr
        )
        return 2
    call_command("migrate", verbosity=0, interactive=False)
    if args.what == "display":
        from luukku.bench import display

        call_command("seed_demo", verbosity=0, stdout=sys.stderr)
        result = display.run(
            db=args.db,
            displays=args.displays,
            calls=args.calls,
            workers=args.workers,
            json_path=args.json_path,
        )
        print(json.dumps(result, indent=2, default=str))
        print(display.summary(result), file=sys.stderr)
        return 0
    # Imported only now: they use the models, which need django.setup() first.
    if args.what == "aggregate":
        from luukku.bench import aggregate

        call_command("seed_demo", verbosity=0, stdout=sys.stderr)
        result = aggregate.run(
            db=args.db,
            visits=args.visits,
            sites=args.sites,
            repeats=args.repeats,
            seed=args.seed,
            json_path=args.json_path,
        )
    elif args.what == "report":
        from luukku.bench import report as report_bench

        call_command("seed_demo", verbosity=0, stdout=sys.stderr)
        result = report_bench.run(
            db=args.db,
            rows_per_day=args.rows_per_day,
            repeats=args.repeats,
            seed=args.seed,
            json_path=args.json_path,
        )
    elif args.what == "http":
        from luukku.bench import http

        result = http.run(
            scale_name=args.scale,
            fresh=args.fresh,
            seed=args.seed,
            connections=args.connections,
            seconds=args.seconds,
            warmup=args.warmup,
            workers=args.workers,
            urls=args.urls,
            wrk_threads=args.wrk_threads,
            json_path=args.json_path,
        )
    elif args.what == "booking":
        from luukku.bench import booking

        result = booking.run(
            scale_name=args.scale, json_path=args.json_path, fresh=args.fresh, seed=args.seed
        )
    else:
        from luukku.bench import queue

        # The agencies, services and demo points the queue bench builds on; its report
        # goes to stderr, so that stdout is the JSON alone.
        call_command("seed_demo", verbosity=0, stdout=sys.stderr)
        result = queue.run(
            db=args.db, json_path=args.json_path, mode=args.mode, officials=args.officials
        )
    print(json.dumps(result, indent=2, default=str))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    result = simulate.run(customers=args.customers, replications=args.replications, seed=args.seed)
    if args.json_path:
        report.write_json(result, args.json_path)
    for key in simulate.SUMMARY:
        print(f"{key}: {result[key]}")
    return 0


def _bench_database(name: str, db: str) -> None:
    """Point a benchmark at its own database before Django reads the settings.

    ``--db sqlite`` uses ``var/bench-<name>.sqlite3``; ``--db postgres`` uses
    ``LUUKKU_BENCH_DATABASE_URL`` (default: database ``luukku_bench_<name>`` on the
    local server), created if missing. A benchmark never touches the demo's database,
    and runs with DEBUG off unless ``LUUKKU_DEBUG`` says otherwise.
    """
    # Measure the production configuration: with DEBUG on, Django logs every query
    # (a tenth of a millisecond each on the hot paths). LUUKKU_DEBUG=1 overrides.
    os.environ.setdefault("LUUKKU_DEBUG", "0")
    # DEBUG off needs a key (luukku.E010); a benchmark's database holds no real customer.
    os.environ.setdefault("LUUKKU_SECRET_KEY", "bench-only-key-" + "0123456789abcdef" * 3)
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.makedirs("var", exist_ok=True)
        os.environ["LUUKKU_SQLITE"] = os.path.abspath(f"var/bench-{name}.sqlite3")
    else:
        url = os.environ.get(
            "LUUKKU_BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/luukku_bench_{name}"
        )
        os.environ["DATABASE_URL"] = url
        _ensure_postgres_database(url)


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    dbname = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            conn.execute(f'CREATE DATABASE "{dbname}"')
