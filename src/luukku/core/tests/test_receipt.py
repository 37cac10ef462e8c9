"""Receipt codes: every well-formed code checks; a single slip or a swap never does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luukku.core.advice.receipt import ALPHABET, BODY, receipt_code, receipt_valid

bodies = st.text(alphabet=ALPHABET, min_size=BODY, max_size=BODY)


@given(bodies)
def test_a_code_is_valid(body):
    code = receipt_code("KELA", body)
    assert code.startswith("KELA-") and receipt_valid(code)
    assert receipt_valid(code.lower())


@given(bodies, st.integers(0, BODY - 1), st.sampled_from(ALPHABET))
def test_one_wrong_character_is_caught(body, i, ch):
    if body[i] == ch:
        return
    code = receipt_code("VERO", body)
    slipped = body[:i] + ch + body[i + 1 :]
    assert not receipt_valid(f"VERO-{slipped}-{code[-1]}")


@given(bodies, st.integers(0, BODY - 2))
def test_swapping_neighbours_is_caught(body, i):
    swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
    if swapped == body:
        return
    code = receipt_code("DVV", body)
    assert not receipt_valid(f"DVV-{swapped}-{code[-1]}")


@pytest.mark.parametrize("bad", ["", "KELA", "KELA-0000-2", "KELA-ABCD", "KELA-ABC-D", "K-ABCD-EF"])
def test_malformed_codes(bad):
    assert not receipt_valid(bad)


def test_agency_code_is_cleaned_and_bad_bodies_refused():
    assert receipt_code("OA/EV", "2345").startswith("OAEV-")
    with pytest.raises(ValueError):
        receipt_code("KELA", "0OIL")
