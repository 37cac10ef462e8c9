"""Waiting-time estimates."""

from __future__ import annotations

import pytest

from luukku.core.queueing import UNKNOWN_MINUTES, estimate_wait, expected_remaining, robust_mean


def test_estimate__few_observations__fallback():
    est = estimate_wait(
        position=2, servers=1, recent_service_minutes=[5, 5], fallback_service_minutes=10
    )
    assert est.basis == "fallback"
    assert est.minutes == 20


def test_estimate__enough_observations__observed():
    est = estimate_wait(
        position=2, servers=1, recent_service_minutes=[6] * 8, fallback_service_minutes=20
    )
    assert est.basis == "observed"
    assert est.minutes == 12


def test_estimate__outlier__trimmed():
    times = [10.0] * 19 + [240.0]  # one forgotten "end service"
    assert robust_mean(times) == pytest.approx(10.0)


def test_estimate__only_last_window_counts():
    assert robust_mean([100.0] * 30 + [10.0] * 20) == pytest.approx(10.0)


def test_estimate__no_servers__unknown():
    est = estimate_wait(
        position=0, servers=0, recent_service_minutes=[], fallback_service_minutes=10
    )
    assert est.basis == "no_servers"
    assert not est.known
    assert est.minutes == est.low == est.high == UNKNOWN_MINUTES


def test_estimate__more_servers_than_queue__no_wait():
    est = estimate_wait(
        position=2, servers=5, recent_service_minutes=[], fallback_service_minutes=10
    )
    assert (est.minutes, est.low) == (0, 0)
    assert est.high <= 3


def test_estimate__busy_servers__wait_for_first_to_free():
    est = estimate_wait(
        position=0,
        servers=2,
        recent_service_minutes=[],
        fallback_service_minutes=10,
        in_service_remaining=[7.0, 3.0],
    )
    assert est.minutes == 3
    assert est.low <= 3 <= est.high


def test_estimate__drain_over_servers():
    # Two servers free in 2 and 6 minutes, 10 minutes each: departures at 2, 6, 12, 16.
    kw = dict(
        servers=2,
        recent_service_minutes=[],
        fallback_service_minutes=10,
        in_service_remaining=[2.0, 6.0],
    )
    assert [estimate_wait(position=p, **kw).minutes for p in range(4)] == [2, 6, 12, 16]


def test_estimate__band_widens_with_position():
    kw = dict(servers=2, recent_service_minutes=[8, 12, 10, 9, 11, 10], fallback_service_minutes=10)
    near, far = estimate_wait(position=3, **kw), estimate_wait(position=20, **kw)
    assert near.low <= near.minutes <= near.high
    assert far.high - far.low > near.high - near.low


def test_estimate__negative_position__refused():
    with pytest.raises(ValueError):
        estimate_wait(position=-1, servers=1, recent_service_minutes=[], fallback_service_minutes=5)


def test_estimate__expected_remaining__never_zero_while_in_service():
    assert expected_remaining(4, 10) == 6
    assert expected_remaining(30, 10) == 2.5


def test_estimate__bookings_becoming_due__go_ahead():
    kw = dict(servers=1, recent_service_minutes=[], fallback_service_minutes=10)
    plain = estimate_wait(position=1, in_service_remaining=[4.0], **kw)
    with_booking = estimate_wait(
        position=1, in_service_remaining=[4.0], priority_arrivals=[3.0, 60.0], **kw
    )
    assert (plain.minutes, with_booking.minutes) == (14, 24)


def test_estimate__pass_on_share__inflates_service_per_customer():
    est = estimate_wait(
        position=2,
        servers=1,
        recent_service_minutes=[],
        fallback_service_minutes=8,
        pass_on_share=0.2,
    )
    assert est.minutes == 20
