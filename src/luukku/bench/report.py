"""``luukku bench report``: a year's network report read from the daily aggregates.

Writes a year (365 local days up to 2026-11-30) of synthetic daily aggregate rows for
the demo region's points (``rows_per_day`` per point: agency × service × channel
cells), then times :func:`luukku.monitoring.selectors.report` over the whole year and
every point, ``repeats`` times, per month at the network level and per month per
point; likewise the space rows (``SPACE_TYPES_PER_DAY`` space types per point a day)
and the utilisation and cost tables the page shows beside it. The figures are the
median and the slowest time of the runs.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from luukku.booking.models import Channel
from luukku.core.monitoring.figures import EDGES
from luukku.core.monitoring.utilisation import HOUR
from luukku.monitoring.models import DailyAggregate, DailySpaceUse
from luukku.monitoring.selectors import report, table
from luukku.monitoring.space_selectors import (
    cost_report,
    cost_table,
    utilisation_report,
    utilisation_table,
)
from luukku.registry.models import SERVICE_SPACE_TYPES, Service, Site

LAST = date(2026, 11, 30)
DAYS = 365
#: Every service space type, at every point, every day.
SPACE_TYPES_PER_DAY = len(SERVICE_SPACE_TYPES)


def _generate(rows_per_day: int, rng: random.Random) -> int:
    first = LAST - timedelta(days=DAYS - 1)
    sites = list(Site.objects.exclude(slug__startswith="bench-"))
    DailyAggregate.objects.filter(day__gte=first, day__lte=LAST).delete()
    cells = [
        (s.agency_id, s.pk, channel)
        for s in Service.objects.order_by("pk")
        for channel in (Channel.IN_PERSON, Channel.REMOTE)
    ][:rows_per_day]
    batch = []
    for d in range(DAYS):
        day = first + timedelta(days=d)
        for site in sites:
            for agency_id, service_id, channel in cells:
                hist = [rng.randrange(3) for _ in EDGES]
                n = sum(hist)
                batch.append(
                    DailyAggregate(
                        day=day,
                        site=site,
                        agency_id=agency_id,
                        service_id=service_id,
                        channel=channel,
                        walk_in=n,
                        served=n,
                        wait_count=n,
                        wait_sum_s=n * 400,
                        wait_hist=hist,
                        service_count=n,
                        service_sum_s=n * 900,
                    )  # fmt: skip
                )
        if len(batch) >= 5000:
            DailyAggregate.objects.bulk_create(batch)
            batch = []
    DailyAggregate.objects.bulk_create(batch)
    return DAYS * len(sites) * len(cells)


def _generate_space_use(rng: random.Random) -> int:
    first = LAST - timedelta(days=DAYS - 1)
    sites = list(Site.objects.exclude(slug__startswith="bench-"))
    DailySpaceUse.objects.filter(day__gte=first, day__lte=LAST).delete()
    batch = []
    for d in range(DAYS):
        day = first + timedelta(days=d)
        for site in sites:
            for kind in sorted(SERVICE_SPACE_TYPES):
                spaces = rng.randrange(1, 9)
                used = rng.randrange(spaces * 8 * HOUR)
                batch.append(
                    DailySpaceUse(
                        day=day,
                        site=site,
                        space_type=kind,
                        spaces=spaces,
                        open_s=8 * HOUR,
                        capacity_s=spaces * 8 * HOUR,
                        used_s=used,
                        used_open_s=used,
                    )  # fmt: skip
                )
    DailySpaceUse.objects.bulk_create(batch, batch_size=5000)
    return len(batch)


def _timed(repeats: int, run) -> dict:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t)
    return {
        "table_rows": len(out),
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
    }


def run(*, db: str, rows_per_day: int = 60, repeats: int = 5, seed: int = 2026,
        json_path: str | None = None) -> dict:  # fmt: skip
    rng = random.Random(seed)
    rows = _generate(rows_per_day, rng)
    space_rows = _generate_space_use(rng)
    first = LAST - timedelta(days=DAYS - 1)
    year = {"date_from": first, "date_to": LAST, "site_ids": None}
    figures = {
        level: _timed(
            repeats, lambda level=level: table(report(**year, period="month", level=level))
        )
        for level in ("network", "site")
    }
    space = {
        level: _timed(
            repeats,
            lambda level=level: utilisation_table(
                utilisation_report(**year, period="month", level=level)
            ),
        )
        for level in ("network", "site")
    }
    cost = _timed(repeats, lambda: cost_table(cost_report(**year, level="site")))
    result = {
        "benchmark": "report",
        "db": db,
        "aggregate_rows": rows,
        "space_use_rows": space_rows,
        "from": first.isoformat(),
        "to": LAST.isoformat(),
        "by_month_network": figures["network"],
        "by_month_per_point": figures["site"],
        "utilisation_by_month_network": space["network"],
        "utilisation_by_month_per_point": space["site"],
        "cost_per_point": cost,
        "target_s": 2,
    }
    if json_path:
        import json

        with open(json_path, "w") as fh:
            json.dump(result, fh, indent=2)
    return result
