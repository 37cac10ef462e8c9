"""``luukku seed-history``: a year of plausible past aggregates for the demo's reports."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from luukku.monitoring.history import seed_history
from luukku.monitoring.services import local_today


class Command(BaseCommand):
    help = "Fill the reports of the demo with a simulated year of daily aggregates."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="how many days back")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--replace", action="store_true", help="also days that already have aggregates"
        )

    def handle(self, *args, days: int, seed: int, replace: bool, **options):
        today = local_today(timezone.now())
        counts = seed_history(days=days, today=today, seed=seed, replace=replace)
        self.stdout.write(
            f"{counts['days']} point-days, {counts['aggregate_rows']} aggregate rows,"
            f" {counts['chain_rows']} chained-visit rows, {counts['space_rows']} space-use rows,"
            f" {counts['stop_rows']} bus stop-day rows,"
            f" {counts['hour_rows']} hour-of-day rows"
        )
