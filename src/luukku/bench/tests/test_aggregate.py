"""The aggregation benchmark's own checks hold on a small generated day."""

from __future__ import annotations

import pytest

from luukku.bench import aggregate

pytestmark = pytest.mark.django_db


def test_bench_aggregate__small_day_adds_up_and_recomputes_the_same(demo):
    result = aggregate.run(db="test", visits=400, sites=3, repeats=2)
    # 100 visits booked, one in ten of them chaining a second booking
    assert result["tickets"] == 300 and 100 <= result["bookings"] <= 130
    assert result["aggregate_rows"] > 0 and result["chain_rows"] > 0


def test_bench_report__a_year_of_aggregates_is_read_back(demo):
    from luukku.bench import report

    result = report.run(db="test", rows_per_day=2, repeats=1)
    assert result["aggregate_rows"] == 365 * 2 * len(demo)
    assert result["by_month_network"]["table_rows"] > 12
    assert result["space_use_rows"] == 365 * report.SPACE_TYPES_PER_DAY * len(demo)
    assert result["utilisation_by_month_network"]["table_rows"] == 13 * report.SPACE_TYPES_PER_DAY
    assert result["cost_per_point"]["table_rows"] >= 1
