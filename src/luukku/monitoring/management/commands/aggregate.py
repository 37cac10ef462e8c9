"""``luukku aggregate``: recompute the daily aggregates (yesterday by default)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luukku.monitoring.services import day_aggregate, local_today


def _day(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag}: not a date YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Recompute the daily aggregates of one local day (--day), of every day from "
        "--since to yesterday, or of yesterday. Safe to run again: a day is replaced whole."
    )

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--day", help="YYYY-MM-DD")
        group.add_argument("--since", help="YYYY-MM-DD: every day from this to yesterday")

    def handle(self, *args, day=None, since=None, **options) -> None:
        yesterday = local_today(timezone.now()) - timedelta(days=1)
        if day:
            days = [_day(day, "--day")]
        elif since:
            first = _day(since, "--since")
            if first > yesterday:
                raise CommandError("--since: must be before today")
            days = [first + timedelta(days=i) for i in range((yesterday - first).days + 1)]
        else:
            days = [yesterday]
        for d in days:
            rows = day_aggregate(day=d)
            self.stdout.write(f"{d.isoformat()}: {rows} aggregate row(s).")
