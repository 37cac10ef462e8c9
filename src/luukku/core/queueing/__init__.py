"""Queueing core: the call-next policy, space allocation at call time, waiting estimates.

Pure Python (no Django): the Django ``queueing`` app loads plain ``Waiting`` and
``SpaceInfo`` records inside a locked transaction, calls these functions and
persists what they return. The policy is documented in ``policy`` and in
``docs/queue-policy.md``.
"""

from __future__ import annotations

from .allocation import REMOTE_ROOM, SAFE_ROOM, SpaceInfo, SpaceNeed, choose_space, fits
from .daysim import DayConfig, DayResult, ServiceSpec, simulate_day
from .estimate import (
    UNKNOWN_MINUTES,
    WaitEstimate,
    estimate_wait,
    expected_remaining,
    robust_mean,
)
from .policy import Kind, Policy, Waiting, ageing_score, choose_next, order_queue, qualifies

__all__ = [
    "REMOTE_ROOM",
    "SAFE_ROOM",
    "UNKNOWN_MINUTES",
    "DayConfig",
    "DayResult",
    "Kind",
    "Policy",
    "ServiceSpec",
    "SpaceInfo",
    "SpaceNeed",
    "WaitEstimate",
    "Waiting",
    "ageing_score",
    "choose_next",
    "choose_space",
    "estimate_wait",
    "expected_remaining",
    "fits",
    "order_queue",
    "qualifies",
    "robust_mean",
    "simulate_day",
]
