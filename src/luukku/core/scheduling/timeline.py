"""Integer-second timelines with bisect lookups: the fast inner layer of the search.

Rounding is always conservative: free time shrinks to whole seconds and taken time
grows, so a slot found here is valid for the original datetimes.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from operator import attrgetter

from .intervals import Span, grid_up, union
from .model import Interval, ResourceCalendar

NEVER = 1 << 62
"""Start time meaning "no feasible start before the horizon"."""

_SECOND = timedelta(seconds=1)


def floor_s(dt: datetime) -> int:
    return math.floor(dt.timestamp())


def ceil_s(dt: datetime) -> int:
    return math.ceil(dt.timestamp())


def seconds_up(td: timedelta) -> int:
    """Round a duration up to whole seconds, exactly (no float)."""
    whole, rest = divmod(td, _SECOND)
    return whole + (1 if rest else 0)


def seconds_down(td: timedelta) -> int:
    return td // _SECOND


def to_datetime(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def free_spans(intervals: Iterable[Interval]) -> list[Span]:
    """Shrink to whole seconds, sort, and join overlapping or touching intervals."""
    floor, ceil = math.floor, math.ceil
    spans = sorted([(ceil(iv.start.timestamp()), floor(iv.end.timestamp())) for iv in intervals])
    return union([s for s in spans if s[0] < s[1]])


def taken_spans(intervals: Iterable[Interval], pad: int) -> list[Span]:
    """Grow by `pad` seconds each side, sort, and join: one blocked stretch per run."""
    floor, ceil = math.floor, math.ceil
    spans = sorted(
        [(floor(iv.start.timestamp()) - pad, ceil(iv.end.timestamp()) + pad) for iv in intervals]
    )
    return union(spans)


def full_spans(intervals: Sequence[Interval], cap: int) -> list[Span]:
    """Return the stretches where at least `cap` bookings run at the same instant."""
    if cap <= 0:
        return [(-NEVER, NEVER)]
    starts = sorted([math.floor(iv.start.timestamp()) for iv in intervals])
    ends = sorted([math.ceil(iv.end.timestamp()) for iv in intervals])
    out: list[Span] = []
    level = opened = j = 0
    for s in starts:
        # Ends go before starts at the same instant: back-to-back bookings do not stack.
        while ends[j] <= s:
            level -= 1
            if level == cap - 1 and ends[j] > opened:
                out.append((opened, ends[j]))
            j += 1
        level += 1
        if level == cap:
            opened = s
    for e in ends[j:]:
        level -= 1
        if level == cap - 1 and e > opened:
            out.append((opened, e))
    return union(out)


class Track:
    """Earliest feasible grid start at or after t for one resource and one duration.

    Memoises the last answer: if f(t0) = f then f(t) = f for every t0 <= t <= f,
    so the fixed-point loop of the site search rarely repeats a bisect.
    """

    __slots__ = (
        "rid",
        "_avs",
        "_ave",
        "_bls",
        "_ble",
        "_dur",
        "_step",
        "_last",
        "_memo_t",
        "_memo_f",
    )

    def __init__(
        self,
        rid: int,
        available: Sequence[Span] | None,
        blocked: Sequence[Span],
        duration: int,
        step: int,
        last_start: int,
    ) -> None:
        self.rid = rid
        self._avs = None if available is None else [s for s, _ in available]
        self._ave = None if available is None else [e for _, e in available]
        self._bls = [s for s, _ in blocked]
        self._ble = [e for _, e in blocked]
        self._dur = duration
        self._step = step
        self._last = last_start
        self._memo_t = NEVER
        self._memo_f = -NEVER

    def next_free(self, t: int) -> int:
        if self._memo_t <= t <= self._memo_f:
            return self._memo_f
        f = self._scan(t)
        self._memo_t = t
        self._memo_f = f
        return f

    def _scan(self, t: int) -> int:
        avs, ave, bls, ble = self._avs, self._ave, self._bls, self._ble
        dur, step, last = self._dur, self._step, self._last
        nbl = len(ble)
        while t <= last:
            if ave is not None:
                i = bisect_left(ave, t + dur)
                if i == len(ave):
                    return NEVER
                if avs[i] > t:
                    t = grid_up(avs[i], step)
                    continue
            j = bisect_right(ble, t)
            if j < nbl and bls[j] < t + dur:
                t = grid_up(ble[j], step)
                continue
            return t
        return NEVER

    def next_free_avoiding(self, t: int, extra: Sequence[Span]) -> int:
        """Like next_free, but also keep clear of a few spans added by this request."""
        dur, step = self._dur, self._step
        f = self.next_free(t)
        moved = True
        while moved and f < NEVER:
            moved = False
            for s, e in extra:
                if s < f + dur and e > f:
                    f = self.next_free(grid_up(e, step))
                    moved = True
        return f


class Pool:
    """Any one of several interchangeable resources; compiled lazily, lowest id first."""

    __slots__ = ("_calendars", "_tracks", "_compile")

    def __init__(self, calendars: Sequence[ResourceCalendar], compile_track) -> None:
        self._calendars = sorted(calendars, key=lambda c: c.resource_id)
        self._tracks: list[Track | None] = [None] * len(self._calendars)
        self._compile = compile_track

    def __bool__(self) -> bool:
        return bool(self._calendars)

    def _track(self, i: int) -> Track:
        tr = self._tracks[i]
        if tr is None:
            tr = self._tracks[i] = self._compile(self._calendars[i])
        return tr

    def next_free(
        self, t: int, extra: dict[int, list[Span]] | None = None, prefer: int | None = None
    ) -> tuple[int, int]:
        """Return (earliest start >= t, resource id), preferring `prefer`, then lowest id."""
        best, pick = NEVER, -1
        for i in range(len(self._calendars)):
            tr = self._track(i)
            spans = extra.get(tr.rid) if extra else None
            f = tr.next_free_avoiding(t, spans) if spans else tr.next_free(t)
            if f < best:
                best, pick = f, tr.rid
            elif f == best and tr.rid == prefer:
                pick = prefer
            if f == t and (prefer is None or pick == prefer):
                break
        return best, pick


class Frame:
    """Compile only the part of each calendar that can touch [lo, hi), once per call.

    Searches start with a short frame and widen it only when it holds too few answers,
    so an eight-week calendar costs little when the earliest slots are this week.
    `available` and `windows` must be sorted (as promised); `busy` may be in any order.
    """

    __slots__ = ("pad", "lo", "hi", "hi_s", "_pad_td", "_spans")

    def __init__(self, buffer: timedelta, lo: datetime, hi: datetime) -> None:
        self.pad = seconds_up(buffer)
        self._pad_td = timedelta(seconds=self.pad)
        self.lo = lo
        self.hi = hi
        self.hi_s = floor_s(hi)
        self._spans: dict[int, tuple[ResourceCalendar, list[Span], list[Span]]] = {}

    def free(self, intervals: Sequence[Interval]) -> list[Span]:
        """Free stretches of a sorted sequence that overlap the frame."""
        i = bisect_right(intervals, self.lo, key=_END)
        j = bisect_left(intervals, self.hi, key=_START)
        return free_spans(intervals[i:j])

    def taken(self, intervals: Iterable[Interval]) -> list[Span]:
        """Padded busy stretches that can block a start inside the frame."""
        lo, hi = self.lo - self._pad_td, self.hi + self._pad_td
        return taken_spans([b for b in intervals if b.start < hi and b.end > lo], self.pad)

    def full(self, intervals: Iterable[Interval], cap: int) -> list[Span]:
        lo, hi = self.lo, self.hi
        return full_spans([b for b in intervals if b.start < hi and b.end > lo], cap)

    def spans(self, cal: ResourceCalendar) -> tuple[list[Span], list[Span]]:
        hit = self._spans.get(id(cal))
        if hit is None or hit[0] is not cal:
            hit = (cal, self.free(cal.available), self.taken(cal.busy))
            self._spans[id(cal)] = hit
        return hit[1], hit[2]

    def track(self, cal: ResourceCalendar, duration: int, step: int, last_start: int) -> Track:
        available, blocked = self.spans(cal)
        return Track(cal.resource_id, available, blocked, duration, step, last_start)


_START = attrgetter("start")
_END = attrgetter("end")


def frames(buffer: timedelta, lo: datetime, hi: datetime):
    """Yield ever wider frames from `lo`: two days, then four times wider, up to `hi`."""
    span = timedelta(days=2)
    while True:
        end = min(hi, lo + span)
        yield Frame(buffer, lo, end)
        if end >= hi:
            return
        span *= 4
