"""``luukku bench queue`` stays runnable: a small run reports every figure the issue names."""

from __future__ import annotations

import json

import pytest

from luukku.bench import queue as bench
from luukku.queueing.models import Ticket, TicketState


@pytest.mark.django_db(transaction=True)
def test_bench_queue__small_run__every_customer_called_once_yesterday_untouched(demo, tmp_path):
    path = tmp_path / "queue.json"

    result = bench.run(db="test", json_path=str(path), tickets=12, officials=3, mode="threads")

    assert json.loads(path.read_text()) == result
    assert result["calls"] == 12
    assert result["duplicate_calls"] == 0
    assert result["uncalled_tickets"] == 0
    assert result["errors"] == []
    # The latencies are the benchmark's figures; a test only sees that they are there.
    for key in ("call_next_p50_ms", "call_next_p95_ms", "cpu_ms_per_customer"):
        assert result[key] >= 0
    assert result["wait_estimate_mae_min"] > 0  # simulated minutes, not the machine's
    # Yesterday's customers are the site's history, never called again.
    history = Ticket.objects.filter(site__slug=bench.BENCH_SITE, called_by__isnull=True)
    assert history.count() == 12
    assert set(history.values_list("state", flat=True)) == {TicketState.DONE}
