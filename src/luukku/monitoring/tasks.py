"""The scheduled aggregation (django-tasks, ``LUUKKU_SCHEDULE``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from luukku.monitoring.services import day_aggregate, local_today


@task()
def aggregate_yesterday() -> dict[str, object]:
    """Recompute yesterday (local time); idempotent, so running it again is harmless."""
    day = local_today(timezone.now()) - timedelta(days=1)
    return {"day": day.isoformat(), "rows": day_aggregate(day=day)}
