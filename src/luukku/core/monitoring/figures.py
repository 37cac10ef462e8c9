"""Daily figures that add up: from a point to a region to the whole network.

Waiting times are kept as counts in fixed minute buckets (``EDGES``), not as a list
of times, so that a median or a 90th percentile over many days and sites is computed
from the *sum* of their histograms: combining is element-wise addition, and the
result does not depend on the order or grouping of the parts. A percentile is read
from the histogram by linear interpolation inside its bucket (exact at bucket edges;
the last, open bucket answers its lower edge). 15 minutes is an edge, so the share
served within the 15-minute service level is exact.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, fields

#: Lower edges of the waiting-time buckets in minutes; the last bucket is open-ended.
EDGES: tuple[int, ...] = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 60, 90, 120, 180, 240,
)  # fmt: skip
#: The service-level target: served (called) within this many minutes.
TARGET_MINUTES = 15


def bucket_of(minutes: float) -> int:
    """The index of the bucket holding a wait of ``minutes`` (negative counts as 0)."""
    return max(0, bisect_right(EDGES, max(0.0, minutes)) - 1)


def histogram(waits_minutes) -> list[int]:
    counts = [0] * len(EDGES)
    for w in waits_minutes:
        counts[bucket_of(w)] += 1
    return counts


def add_histograms(a: list[int], b: list[int]) -> list[int]:
    n = len(EDGES)
    a = list(a) + [0] * (n - len(a))
    b = list(b) + [0] * (n - len(b))
    return [x + y for x, y in zip(a, b, strict=True)]


def percentile(counts: list[int], q: float) -> float | None:
    """The ``q``-quantile (0 < q ≤ 1) of the waits counted in ``counts``; None if empty."""
    total = sum(counts)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for i, c in enumerate(counts):
        if c and seen + c >= rank:
            low = EDGES[i]
            if i + 1 >= len(EDGES):
                return float(low)
            high = EDGES[i + 1]
            return low + (high - low) * (rank - seen) / c
        seen += c
    return float(EDGES[-1])


def within(counts: list[int], minutes: int = TARGET_MINUTES) -> int:
    """How many waited less than ``minutes`` (which must be a bucket edge)."""
    if minutes not in EDGES:
        raise ValueError(f"{minutes} is not a bucket edge")
    return sum(counts[: EDGES.index(minutes)])


@dataclass
class Figures:
    """The additive figures of one cell (day × site × agency × service × channel)."""

    walk_in: int = 0
    booked: int = 0
    chained: int = 0
    no_show: int = 0
    cancelled: int = 0
    served: int = 0
    wait_count: int = 0
    wait_sum_s: int = 0
    wait_hist: list[int] = field(default_factory=lambda: [0] * len(EDGES))
    service_count: int = 0
    service_sum_s: int = 0

    def __add__(self, other: Figures) -> Figures:
        out = Figures()
        for f in fields(Figures):
            a, b = getattr(self, f.name), getattr(other, f.name)
            setattr(out, f.name, add_histograms(a, b) if f.name == "wait_hist" else a + b)
        return out

    def add_wait(self, seconds: float) -> None:
        seconds = round(seconds)
        self.wait_count += 1
        self.wait_sum_s += seconds
        self.wait_hist[bucket_of(seconds / 60)] += 1

    def add_service(self, seconds: float) -> None:
        self.service_count += 1
        self.service_sum_s += round(seconds)

    # Derived (not additive) figures, computed from the additive ones.
    def mean_wait_min(self) -> float | None:
        return self.wait_sum_s / 60 / self.wait_count if self.wait_count else None

    def median_wait_min(self) -> float | None:
        return percentile(self.wait_hist, 0.5)

    def p90_wait_min(self) -> float | None:
        return percentile(self.wait_hist, 0.9)

    def within_target_share(self) -> float | None:
        return within(self.wait_hist) / self.wait_count if self.wait_count else None

    def mean_service_min(self) -> float | None:
        return self.service_sum_s / 60 / self.service_count if self.service_count else None


def combine(parts) -> Figures:
    total = Figures()
    for p in parts:
        total = total + p
    return total
