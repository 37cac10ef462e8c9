"""The monitoring arithmetic adds up, whatever the grouping (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from luukku.core.monitoring.figures import (
    EDGES,
    Figures,
    bucket_of,
    combine,
    histogram,
    percentile,
    within,
)

waits = st.lists(st.floats(min_value=0, max_value=600, allow_nan=False), max_size=200)


def test_bucket_of__edges_belong_to_the_bucket_above():
    assert bucket_of(0) == 0
    assert bucket_of(0.99) == 0
    assert bucket_of(1) == 1
    assert bucket_of(14.99) == EDGES.index(12)
    assert bucket_of(15) == EDGES.index(15)
    assert bucket_of(10_000) == len(EDGES) - 1
    assert bucket_of(-3) == 0


@given(waits, waits)
def test_histograms__of_parts_add_up_to_the_histogram_of_the_whole(a, b):
    fa, fb = Figures(), Figures()
    for w in a:
        fa.add_wait(w * 60)
    for w in b:
        fb.add_wait(w * 60)
    whole = fa + fb
    assert sum(whole.wait_hist) == whole.wait_count == len(a) + len(b)
    assert whole.wait_hist == histogram([round(w * 60) / 60 for w in a + b])


@given(st.lists(st.lists(st.integers(0, 50), min_size=len(EDGES), max_size=len(EDGES)), max_size=8))
def test_combine__order_and_grouping_do_not_matter(hists):
    parts = [Figures(wait_hist=h, wait_count=sum(h), served=sum(h)) for h in hists]
    forwards = combine(parts)
    backwards = combine(reversed(parts))
    grouped = combine([combine(parts[:3]), combine(parts[3:])])
    assert forwards == backwards == grouped
    assert forwards.median_wait_min() == grouped.median_wait_min()


@given(waits.filter(bool), st.floats(min_value=0.01, max_value=1))
def test_percentile__lies_in_the_bucket_of_the_true_quantile(ws, q):
    counts = histogram(ws)
    p = percentile(counts, q)
    ordered = sorted(ws)
    true = ordered[max(0, min(len(ordered) - 1, -(-int(q * len(ordered) * 1e9) // int(1e9)) - 1))]
    i = bucket_of(true)
    low = EDGES[i]
    high = EDGES[i + 1] if i + 1 < len(EDGES) else EDGES[-1]
    assert low - 1e-9 <= p <= high + 1e-9


def test_percentile__empty_is_none_and_exact_examples():
    assert percentile([0] * len(EDGES), 0.5) is None
    # Ten waits in 0-1 min and ten in 5-6 min: the median is the top of the first bucket.
    counts = histogram([0.5] * 10 + [5.5] * 10)
    assert percentile(counts, 0.5) == 1.0
    assert percentile(counts, 0.9) == 5.8


def test_within__the_service_level_counts_waits_under_15_min():
    counts = histogram([1, 14.9, 15, 30])
    assert within(counts) == 2
    f = Figures()
    for m in (1, 14.9, 15, 30):
        f.add_wait(m * 60)
    assert f.within_target_share() == 0.5
    assert f.mean_wait_min() == (1 + 14.9 + 15 + 30) / 4


def test_figures__derived_values_of_an_empty_cell_are_none():
    f = Figures()
    assert f.mean_wait_min() is None
    assert f.within_target_share() is None
    assert f.mean_service_min() is None
