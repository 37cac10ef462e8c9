"""Earliest free slots: a fixed-point sweep over grid starts that jumps past whatever blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from .model import SiteOption, Slot, SlotQuery
from .timeline import (
    Frame,
    Pool,
    Span,
    Track,
    ceil_s,
    floor_s,
    frames,
    grid_up,
    seconds_down,
    seconds_up,
    to_datetime,
)

Pick = tuple[int, int, int, int | None]
"""(start, official_id, space_id, interpreter_id) in integer seconds."""


class SiteSearch:
    """One site option compiled for one duration: window, capacity cap and resource pools.

    Every constraint answers "earliest feasible start >= t"; the search raises t to the
    latest such answer until all constraints agree, which is the earliest joint start.
    """

    __slots__ = ("option", "last", "_window", "_cap", "_officials", "_spaces", "_interpreters")

    def __init__(
        self, option: SiteOption, frame: Frame, duration: int, step: int, last: int
    ) -> None:
        self.option = option
        self.last = last

        def compile_track(cal):
            return frame.track(cal, duration, step, last)

        self._window = Track(-1, frame.free(option.windows), (), duration, step, last)
        self._cap = None
        if option.max_parallel is not None:
            full = frame.full(option.group_busy, option.max_parallel)
            self._cap = Track(-1, None, full, duration, step, last)
        self._officials = Pool(option.officials, compile_track)
        self._spaces = Pool(option.spaces, compile_track)
        self._interpreters = (
            Pool(option.interpreters, compile_track) if option.needs_interpreter else None
        )

    def earliest(
        self,
        t: int,
        hi: int,
        busy_officials: dict[int, list[Span]] | None = None,
        prefer_space: int | None = None,
        prefer_interpreter: int | None = None,
    ) -> Pick | None:
        """Return the earliest start in [t, hi] (t on the grid) with the resources chosen."""
        window, cap = self._window, self._cap
        officials, spaces, interpreters = self._officials, self._spaces, self._interpreters
        while t <= hi:
            f = window.next_free(t)
            if f != t:
                t = f
                continue
            if cap is not None:
                f = cap.next_free(t)
                if f != t:
                    t = f
                    continue
            f, official = officials.next_free(t, busy_officials)
            if f != t:
                t = f
                continue
            f, space = spaces.next_free(t, None, prefer_space)
            if f != t:
                t = f
                continue
            interpreter = None
            if interpreters is not None:
                f, interpreter = interpreters.next_free(t, None, prefer_interpreter)
                if f != t:
                    t = f
                    continue
            return t, official, space, interpreter
        return None


def usable(option: SiteOption) -> bool:
    """Tell whether the option could ever yield a slot: it needs one of each resource."""
    return bool(
        option.windows
        and option.officials
        and option.spaces
        and (option.interpreters or not option.needs_interpreter)
    )


def make_slot(option: SiteOption, pick: Pick, duration: timedelta) -> Slot:
    start = to_datetime(pick[0])
    return Slot(
        site_id=option.site_id,
        channel=option.channel,
        start=start,
        end=start + duration,
        official_id=pick[1],
        space_id=pick[2],
        interpreter_id=pick[3],
    )


def find_slots(query: SlotQuery, options: Sequence[SiteOption]) -> list[Slot]:
    """Earliest free slots per site, sorted by (start, site_id).

    `per_site` applies to each option (a site and channel); its slots have distinct starts.
    """
    step = seconds_down(query.step)
    duration = seconds_up(query.duration)
    first = grid_up(ceil_s(query.not_before), step)
    last = floor_s(query.not_after) - duration
    widen = frames(query.buffer, query.not_before, query.not_after)
    levels: list[Frame] = [next(widen)]
    found: list[tuple[int, int, str, SiteOption, Pick]] = []
    cutoff = last
    for option in options:
        if not usable(option):
            continue
        picks: list[Pick] = []
        level = 0
        while True:
            frame = levels[level]
            site = SiteSearch(option, frame, duration, step, min(last, frame.hi_s - duration))
            t = picks[-1][0] + step if picks else first
            while len(picks) < query.per_site:
                pick = site.earliest(t, min(cutoff, site.last))
                if pick is None:
                    break
                picks.append(pick)
                t = pick[0] + step
            if len(picks) == query.per_site or site.last >= cutoff:
                break
            level += 1
            if level == len(levels):
                wider = next(widen, None)
                if wider is None:
                    break
                levels.append(wider)
        found.extend((p[0], option.site_id, option.channel, option, p) for p in picks)
        if len(found) >= query.limit:
            # Later sites only matter if they beat the current limit-th slot.
            found.sort(key=_order)
            del found[query.limit :]
            cutoff = found[-1][0]
    found.sort(key=_order)
    return [make_slot(f[3], f[4], query.duration) for f in found[: query.limit]]


def _order(entry: tuple[int, int, str, SiteOption, Pick]) -> tuple[int, int, str]:
    return entry[0], entry[1], entry[2]


__all__ = ["SiteSearch", "find_slots", "make_slot", "usable"]
