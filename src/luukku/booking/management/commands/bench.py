"""``luukku bench booking|queue --db sqlite|postgres --json PATH``: the capability benchmarks.

(``luukku bench simulate`` is pure Python and handled before Django starts.)
"""

from __future__ import annotations

import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a benchmark against its own database and write its figures as JSON."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["booking", "queue"])
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        parser.add_argument("--scale", choices=["national", "small"], default="national")
        parser.add_argument("--json", dest="json_path")
        parser.add_argument(
            "--fresh", action="store_true", help="regenerate the data set even if it exists"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--mode",
            choices=["rounds", "processes", "threads"],
            default="rounds",
            help="queue only: officials press together each round (rounds), or call back to back",
        )
        parser.add_argument(
            "--officials", type=int, default=20, help="queue only: how many officials call"
        )

    def handle(self, *args, what, db, scale, json_path, fresh, seed, mode, officials, **options):
        from django.db import connection

        if (db == "postgres") != (connection.vendor == "postgresql"):
            raise CommandError("run through the `luukku` command so that --db chooses the database")
        call_command("migrate", verbosity=0, interactive=False)
        if what == "booking":
            from luukku.booking.bench import run

            result = run(scale_name=scale, json_path=json_path, fresh=fresh, seed=seed)
        else:
            from luukku.queueing.bench import run

            # The agencies, services and demo points the queue bench builds on.
            call_command("seed_demo", verbosity=0)

            result = run(db=db, json_path=json_path, mode=mode, officials=officials)
        self.stdout.write(json.dumps(result, indent=2, default=str))
