"""Chained visits, counted without a database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from luukku.core.monitoring.chains import count_sequences, pairs


def test_sequences__one_agency_is_no_chain_and_repeats_merge():
    found = count_sequences(
        [
            [("KELA", None)],
            [("KELA", None), ("KELA", 60)],  # passed on within Kela
            [("KELA", None), ("VERO", 120), ("TE", 300)],
            [("KELA", None), ("VERO", None)],  # hand-over time unknown
        ]
    )
    assert set(found) == {"KELA>VERO>TE", "KELA>VERO"}
    assert (found["KELA>VERO>TE"].visits, found["KELA>VERO>TE"].handovers) == (1, 2)
    assert found["KELA>VERO>TE"].mean_handover_min() == 3.5
    assert (found["KELA>VERO"].visits, found["KELA>VERO"].handovers) == (1, 0)
    assert found["KELA>VERO"].mean_handover_min() is None
    assert pairs(found) == {("KELA", "VERO"): 2, ("VERO", "TE"): 1}


AGENCIES = st.sampled_from(["KELA", "VERO", "TE", "MIGRI", "DVV"])
VISITS = st.lists(
    st.lists(st.tuples(AGENCIES, st.none() | st.floats(0, 7200)), min_size=1, max_size=5),
    max_size=40,
)


@given(VISITS)
def test_sequences__every_visit_with_two_agencies_counted_once(visits):
    found = count_sequences(visits)
    chained = [v for v in visits if len({a for a, _h in v}) >= 2]
    assert sum(f.visits for f in found.values()) == len(chained)
    for sequence, f in found.items():
        agencies = sequence.split(">")
        assert len(agencies) >= 2 and all(
            a != b for a, b in zip(agencies, agencies[1:], strict=False)
        )
        assert 0 <= f.handovers <= f.visits * (len(agencies) - 1)


@given(VISITS, VISITS)
def test_sequences__counting_in_parts_adds_up(first, second):
    """A report sums days: the figures of two days are the sum of each day's."""
    whole = count_sequences(first + second)
    parts = count_sequences(first)
    for key, f in count_sequences(second).items():
        parts.setdefault(key, type(f)()).add(f)
    assert {k: vars(v) for k, v in whole.items()} == {k: vars(v) for k, v in parts.items()}
