"""``luukku bench simulate`` stays runnable and reports every figure BENCHMARKS.md quotes."""

from __future__ import annotations

import json

from luukku.bench import command, simulate


def test_bench_simulate__small_run__reports_every_figure():
    out = simulate.run(customers=2_000, replications=3)

    for key in simulate.SUMMARY + ("luukku_seconds", "ciw_seconds", "customers_per_replication"):
        assert key in out
    # Which is faster is the benchmark's figure, not a test's: only that both ran.
    assert out["luukku_customers_per_s"] > 0 and out["ciw_customers_per_s"] > 0
    # A run this short is too noisy for the intervals to be expected to overlap.
    assert isinstance(out["agree"], bool)
    assert out["luukku_mean_wait"]["replications"] == out["ciw_mean_wait"]["replications"] == 3


def test_bench_simulate__command__writes_the_json(tmp_path, capsys):
    path = tmp_path / "sim.json"

    status = command.main(["simulate", "--customers", "1000", "--replications", "2",
                           "--json", str(path)])  # fmt: skip

    assert status == 0
    assert json.loads(path.read_text())["replications"] == 2
    assert "speedup:" in capsys.readouterr().out
