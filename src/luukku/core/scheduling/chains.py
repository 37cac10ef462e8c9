"""Chained visits: several agencies one after another at one site on one local day.

Legs are served in the given order. For each candidate first-leg start the later legs
are searched depth-first over the few grid starts that keep each gap within max_gap.

Resource reuse inside one chain: an official chosen for an earlier leg keeps the buffer
before serving a later leg (they need the time to wrap up); the customer's space and
interpreter may continue back-to-back without buffer, and are preferred when free,
because the customer stays put and the next official comes to them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .model import Chain, ChainQuery, SiteOption
from .slots import Pick, SiteSearch, make_slot, usable
from .timeline import Frame, Span, ceil_s, floor_s, frames, grid_up, seconds_down, seconds_up

Hit = tuple[Pick, SiteOption]


class _SiteChains:
    """Chain search at one site, with each leg's options compiled for that leg's duration."""

    __slots__ = ("legs", "durations", "step", "pad", "gap", "end_all", "_tz", "_day_ends")

    def __init__(
        self,
        legs: list[list[SiteSearch]],
        durations: list[int],
        step: int,
        pad: int,
        gap: int,
        end_all: int,
        tz: ZoneInfo,
        day_ends: dict[int, int],
    ) -> None:
        self.legs = legs
        self.durations = durations
        self.step = step
        self.pad = pad
        self.gap = gap
        self.end_all = end_all
        self._tz = tz
        self._day_ends = day_ends

    def leg_earliest(
        self,
        k: int,
        t: int,
        hi: int,
        busy: dict[int, list[Span]] | None,
        prefer_space: int | None,
        prefer_interpreter: int | None,
    ) -> Hit | None:
        """Return the earliest start of leg k in [t, hi] over its options at this site."""
        best: Hit | None = None
        for search in self.legs[k]:
            pick = search.earliest(t, hi, busy, prefer_space, prefer_interpreter)
            if pick is not None:
                best = (pick, search.option)
                hi = pick[0] - 1
        return best

    def day_end(self, t: int) -> int:
        """Return the next local midnight after t: no chain may run past it."""
        local = datetime.fromtimestamp(t, self._tz)
        key = local.toordinal()
        end = self._day_ends.get(key)
        if end is None:
            midnight = datetime.combine(local.date() + timedelta(days=1), time(0), self._tz)
            end = self._day_ends[key] = floor_s(midnight)
        return end

    def extend(
        self,
        k: int,
        prev_end: int,
        day_end: int,
        busy: dict[int, list[Span]],
        space: int,
        interpreter: int | None,
    ) -> list[Hit] | None:
        """Complete the chain from leg k on, or say it cannot be done from here."""
        if k == len(self.legs):
            return []
        duration = self.durations[k]
        hi = min(prev_end + self.gap, day_end - duration, self.end_all - duration)
        t = grid_up(prev_end, self.step)
        while t <= hi:
            hit = self.leg_earliest(k, t, hi, busy, space, interpreter)
            if hit is None:
                return None
            pick = hit[0]
            start, end = pick[0], pick[0] + duration
            span = (start - self.pad, end + self.pad)
            later = {**busy, pick[1]: [*busy.get(pick[1], ()), span]}
            rest = self.extend(k + 1, end, day_end, later, pick[2], pick[3])
            if rest is not None:
                return [hit, *rest]
            t = start + self.step
        return None

    def chains(self, first: int, last_first: int, limit: int) -> list[list[Hit]]:
        """Return up to `limit` chains starting in [first, last_first], earliest first."""
        out: list[list[Hit]] = []
        d0 = self.durations[0]
        t = first
        while len(out) < limit:
            hit = self.leg_earliest(0, t, last_first, None, None, None)
            if hit is None:
                break
            pick = hit[0]
            start, end = pick[0], pick[0] + d0
            day_end = self.day_end(start)
            rest = None
            if end <= day_end:
                busy = {pick[1]: [(start - self.pad, end + self.pad)]}
                rest = self.extend(1, end, day_end, busy, pick[2], pick[3])
            if rest is not None:
                out.append([hit, *rest])
                t = start + self.step
                continue
            t = start + self.step
            if len(self.legs) > 1:
                # Leg 2 can start no earlier than its unconstrained earliest after this leg 1,
                # so no first leg that ends more than max_gap before that can succeed.
                d1 = self.durations[1]
                nxt = self.leg_earliest(
                    1, grid_up(end, self.step), self.end_all - d1, None, None, None
                )
                if nxt is None:
                    break
                t = max(t, grid_up(nxt[0][0] - self.gap - d0, self.step))
        return out


def find_chains(query: ChainQuery) -> list[Chain]:
    """Earliest chains: all legs at one site, on one local day, gaps ≤ max_gap, earliest first."""
    step = seconds_down(query.step)
    durations = [seconds_up(leg.duration) for leg in query.legs]
    first = grid_up(ceil_s(query.not_before), step)
    end_all = floor_s(query.not_after)
    gap = seconds_down(query.max_gap)
    tz = ZoneInfo(query.tz)
    day_ends: dict[int, int] = {}

    by_site: list[dict[int, list[SiteOption]]] = []
    for leg in query.legs:
        sites: dict[int, list[SiteOption]] = {}
        for option in leg.options:
            if usable(option):
                sites.setdefault(option.site_id, []).append(option)
        by_site.append(sites)
    common = sorted(set.intersection(*(set(sites) for sites in by_site)))

    # A chain starting later than this before a frame's end might run past that end.
    longest = sum(durations) + gap * (len(durations) - 1)
    widen = frames(query.buffer, query.not_before, query.not_after)
    levels: list[Frame] = [next(widen)]
    found: list[tuple[int, int, list[Hit]]] = []
    cutoff = end_all
    for site_id in common:
        options = [sites[site_id] for sites in by_site]
        chains: list[list[Hit]] = []
        level = 0
        while True:
            frame = levels[level]
            final = frame.hi >= query.not_after
            end = min(end_all, frame.hi_s)
            legs = [
                [SiteSearch(o, frame, d, step, end - d) for o in leg]
                for leg, d in zip(options, durations, strict=True)
            ]
            site = _SiteChains(legs, durations, step, frame.pad, gap, end, tz, day_ends)
            t = chains[-1][0][0][0] + step if chains else first
            last_first = min(cutoff, end - (durations[0] if final else longest))
            chains += site.chains(t, last_first, query.limit - len(chains))
            if len(chains) >= query.limit or last_first >= cutoff:
                break
            level += 1
            if level == len(levels):
                wider = next(widen, None)
                if wider is None:
                    break
                levels.append(wider)
        found.extend((hits[0][0][0], site_id, hits) for hits in chains)
        if len(found) >= query.limit:
            found.sort(key=_order)
            del found[query.limit :]
            cutoff = found[-1][0]
    found.sort(key=_order)
    return [
        Chain(
            site_id=site_id,
            slots=tuple(
                make_slot(option, pick, leg.duration)
                for (pick, option), leg in zip(hits, query.legs, strict=True)
            ),
        )
        for _, site_id, hits in found[: query.limit]
    ]


def _order(entry: tuple[int, int, list[Hit]]) -> tuple[int, int]:
    return entry[0], entry[1]
