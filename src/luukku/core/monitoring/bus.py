"""Bus timetable suggestions: which stops to lengthen, shorten, move or drop, and why.

In: the route's regular stops (place, weekday, arrives, departs) and, per stop and
day, the additive figures of the daily stop aggregate (bookings, walk-ins, served,
turned away, service and open time). Out: per stop its evidence over the period and
at most one suggestion, which names the figures that triggered it. Times of day are
local wall-clock times (the timetable's); the rules and their thresholds are in
:class:`Thresholds`, in one place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import time

LENGTHEN = "lengthen"
SHORTEN = "shorten"
MOVE = "move"
DROP = "drop"
KINDS = (LENGTHEN, SHORTEN, MOVE, DROP)

#: Why a suggestion was made (the page words each; the figures are in the evidence).
BUSY = "busy"  # utilisation at or above the lengthening threshold
TURNED_AWAY = "turned_away"  # walk-ins left without service when the bus left
FULLY_BOOKED = "fully_booked"  # bookings alone fill most of the stop's time
NO_ROOM = "no_room"  # the weekday has no room to lengthen the stop
IDLE = "idle"  # utilisation below the shortening threshold
FEW_VISITS = "few_visits"  # hardly anyone comes


@dataclass(frozen=True)
class Thresholds:
    """The rules' numbers, with why each is what it is.

    - ``min_stop_days`` (6): a weekly stop is judged on about six weeks at least;
      fewer days are mostly chance (a rainy Tuesday, a holiday week).
    - ``drop_visits_per_day`` (1.5): a stop that fewer than one or two customers
      a day come to costs the crew's whole stop and the drive; its customers are
      better served at the next stop or by video from home.
    - ``lengthen_utilisation`` (0.85): above this share of the stop's serving time
      a queue builds (for one server the wait grows fast beyond 80–85 %).
    - ``lengthen_turned_away_per_day`` (1.0): one walk-in a day left unserved when
      the bus drives on is a person who came for nothing: lengthen even if the
      average utilisation looks fine.
    - ``fully_booked_share`` (0.8): when bookings alone take this share of the
      serving time, walk-ins (the bus's main channel) get no room.
    - ``shorten_utilisation`` (0.35): below a third of the time in service the crew
      mostly waits; ``target_utilisation`` (0.65) sizes the shortened stop so that
      a busier day still fits.
    - ``step_min`` (30): timetables change in half hours, which people remember;
      ``min_stop_min`` (60): a shorter stop is not worth the parking and set-up.
    - ``min_gap_min`` (30), ``earliest``/``latest`` (8–17): a lengthened or moved
      stop leaves the crew at least half an hour to drive on, and stays within a
      working day.
    """

    min_stop_days: int = 6
    drop_visits_per_day: float = 1.5
    lengthen_utilisation: float = 0.85
    lengthen_turned_away_per_day: float = 1.0
    fully_booked_share: float = 0.8
    shorten_utilisation: float = 0.35
    target_utilisation: float = 0.65
    step_min: int = 30
    min_stop_min: int = 60
    min_gap_min: int = 30
    earliest: time = time(8)
    latest: time = time(17)


THRESHOLDS = Thresholds()


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def clock(m: int) -> time:
    return time(m // 60, m % 60)


@dataclass(frozen=True, slots=True)
class StopSlot:
    """A regular stop of the route: every ``weekday`` from ``arrives`` to ``departs``."""

    id: int
    place: str
    weekday: int
    arrives: time
    departs: time

    @property
    def start(self) -> int:
        return minutes(self.arrives)

    @property
    def end(self) -> int:
        return minutes(self.departs)

    @property
    def length_min(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class StopDay:
    """The additive figures of one stop on one day (the daily stop aggregate's row).

    ``capacity_s`` is the open time × the service spaces the bus had (one room: the
    open time); ``booked_s`` the booked appointments' length.
    """

    stop_id: int
    bookings: int = 0
    walk_ins: int = 0
    served: int = 0
    turned_away: int = 0
    service_s: int = 0
    booked_s: int = 0
    open_s: int = 0
    capacity_s: int = 0


@dataclass(frozen=True)
class Evidence:
    """A stop's figures over the period: sums, and the ratios the rules read."""

    stop: StopSlot
    stop_days: int = 0
    bookings: int = 0
    walk_ins: int = 0
    served: int = 0
    turned_away: int = 0
    service_s: int = 0
    booked_s: int = 0
    open_s: int = 0
    capacity_s: int = 0

    @property
    def visits(self) -> int:
        return self.bookings + self.walk_ins

    def _per_day(self, value: float) -> float | None:
        return value / self.stop_days if self.stop_days else None

    @property
    def visits_per_day(self) -> float | None:
        return self._per_day(self.visits)

    @property
    def turned_away_per_day(self) -> float | None:
        return self._per_day(self.turned_away)

    @property
    def utilisation(self) -> float | None:
        """Time in service / serving time (open time × spaces)."""
        return self.service_s / self.capacity_s if self.capacity_s else None

    @property
    def booked_share(self) -> float | None:
        return self.booked_s / self.capacity_s if self.capacity_s else None

    @property
    def idle_min_per_day(self) -> float | None:
        """Serving time no one was served in, per stop-day, in minutes."""
        idle = self._per_day(max(0, self.capacity_s - self.service_s))
        return None if idle is None else idle / 60

    @property
    def spaces(self) -> float:
        """How many customers the bus serves at once (on average over the period)."""
        return self.capacity_s / self.open_s if self.open_s else 1.0


@dataclass(frozen=True)
class Suggestion:
    """A change to one stop: its new weekday and times (none for a drop), and why."""

    kind: str
    stop: StopSlot
    weekday: int | None = None
    arrives: time | None = None
    departs: time | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StopReview:
    evidence: Evidence
    suggestion: Suggestion | None = None
    #: Enough stop-days to judge by (``Thresholds.min_stop_days``).
    enough: bool = False
    #: For a busy stop that cannot grow anywhere: the reasons, without a suggestion.
    unmet: tuple[str, ...] = field(default=())


_SUMMED = tuple(f.name for f in fields(StopDay) if f.name != "stop_id")


def evidence(stops: Iterable[StopSlot], days: Iterable[StopDay]) -> dict[int, Evidence]:
    """Each stop's sums over its days; a day counts when the bus stood there (open time)."""
    by_id = {s.id: s for s in stops}
    sums = {sid: dict.fromkeys((*_SUMMED, "stop_days"), 0) for sid in by_id}
    for d in days:
        acc = sums.get(d.stop_id)
        if acc is None:
            continue
        for name in _SUMMED:
            acc[name] += getattr(d, name)
        acc["stop_days"] += 1 if d.open_s > 0 else 0
    return {sid: Evidence(stop=by_id[sid], **acc) for sid, acc in sums.items()}


def _fits(start: int, end: int, others: Sequence[StopSlot], t: Thresholds) -> bool:
    """The window stays within the working day and leaves the driving gap to every other stop."""
    if start < minutes(t.earliest) or end > minutes(t.latest) or end <= start:
        return False
    gap = t.min_gap_min
    return all(end + gap <= o.start or o.end + gap <= start for o in others)


def _lengthened(
    stop: StopSlot, others: Sequence[StopSlot], t: Thresholds
) -> tuple[int, int] | None:
    """One step longer on its own weekday: later if it can, else earlier."""
    for start, end in ((stop.start, stop.end + t.step_min), (stop.start - t.step_min, stop.end)):
        if _fits(start, end, others, t):
            return start, end
    return None


def _free_window(
    stop: StopSlot,
    length: int,
    route_weekdays: Iterable[int],
    current: Sequence[StopSlot],
    t: Thresholds,
) -> tuple[int, int] | None:
    """A window of ``length`` minutes on another route weekday, the freest day first.

    Not on a weekday the place already has a stop; at the stop's own time if free,
    else at the earliest half hour that fits.
    """
    taken = {s.weekday for s in current if s.place == stop.place}
    candidates = []
    for weekday in sorted(set(route_weekdays) - taken - {stop.weekday}):
        others = [s for s in current if s.weekday == weekday]
        candidates.append((sum(s.length_min for s in others), weekday, others))
    for _busy, weekday, others in sorted(candidates, key=lambda c: (c[0], c[1])):
        starts = [stop.start] + list(
            range(minutes(t.earliest), minutes(t.latest) - length + 1, t.step_min)
        )
        for start in starts:
            if _fits(start, start + length, others, t):
                return weekday, start
    return None


def _busy_reasons(ev: Evidence, t: Thresholds) -> tuple[str, ...]:
    reasons = []
    if ev.utilisation is not None and ev.utilisation >= t.lengthen_utilisation:
        reasons.append(BUSY)
    if (ev.turned_away_per_day or 0) >= t.lengthen_turned_away_per_day:
        reasons.append(TURNED_AWAY)
    if ev.booked_share is not None and ev.booked_share >= t.fully_booked_share:
        reasons.append(FULLY_BOOKED)
    return tuple(reasons)


def _shortened_length(ev: Evidence, t: Thresholds) -> int:
    """The length at which the period's service would have filled the target share."""
    per_day_min = ev.service_s / ev.stop_days / 60 / max(ev.spaces, 1e-9)
    needed = per_day_min / t.target_utilisation
    return max(t.min_stop_min, math.ceil(needed / t.step_min) * t.step_min)


def review_stop(
    ev: Evidence,
    current: Sequence[StopSlot],
    route_weekdays: Iterable[int],
    t: Thresholds = THRESHOLDS,
) -> StopReview:
    """The one suggestion for a stop, by the first rule that holds:

    1. too few stop-days → none;
    2. fewer visits a day than ``drop_visits_per_day`` → drop;
    3. busy (utilisation, turned away or fully booked) → lengthen by a step on its
       weekday, or, when the weekday has no room, move it one step longer to the
       freest other route weekday that has room (none: the reasons are ``unmet``);
    4. idle (utilisation below ``shorten_utilisation``) → shorten to the length the
       target utilisation needs, if that is shorter than now.
    """
    stop = ev.stop
    if ev.stop_days < t.min_stop_days:
        return StopReview(ev)
    if (ev.visits_per_day or 0) < t.drop_visits_per_day:
        return StopReview(ev, Suggestion(DROP, stop, reasons=(FEW_VISITS,)), enough=True)
    busy = _busy_reasons(ev, t)
    if busy:
        same_day = [s for s in current if s.weekday == stop.weekday and s.id != stop.id]
        longer = _lengthened(stop, same_day, t)
        if longer is not None:
            return StopReview(
                ev,
                Suggestion(LENGTHEN, stop, stop.weekday, clock(longer[0]), clock(longer[1]), busy),
                enough=True,
            )
        length = stop.length_min + t.step_min
        moved = _free_window(stop, length, route_weekdays, current, t)
        if moved is not None:
            weekday, start = moved
            return StopReview(
                ev,
                Suggestion(
                    MOVE, stop, weekday, clock(start), clock(start + length), (*busy, NO_ROOM)
                ),
                enough=True,
            )
        return StopReview(ev, enough=True, unmet=(*busy, NO_ROOM))
    if ev.utilisation is not None and ev.utilisation < t.shorten_utilisation:
        length = _shortened_length(ev, t)
        if length < stop.length_min:
            return StopReview(
                ev,
                Suggestion(
                    SHORTEN,
                    stop,
                    stop.weekday,
                    stop.arrives,
                    clock(stop.start + length),
                    (IDLE,),
                ),
                enough=True,
            )
    return StopReview(ev, enough=True)


def review(
    stops: Sequence[StopSlot],
    days: Iterable[StopDay],
    route_weekdays: Iterable[int],
    t: Thresholds = THRESHOLDS,
) -> list[StopReview]:
    """Every stop's evidence and suggestion, by weekday and time of day.

    Each stop is judged against the current timetable: two suggestions for
    neighbouring stops may each take the same gap, and accepting the first one
    makes the second clash (the registry then refuses it, naming the stop).
    """
    found = evidence(stops, days)
    weekdays = tuple(route_weekdays)
    ordered = sorted(stops, key=lambda s: (s.weekday, s.start, s.id))
    return [review_stop(found[s.id], ordered, weekdays, t) for s in ordered]


def served_within(customers: Sequence[tuple[bool, float]], capacity_s: float) -> list[bool | None]:
    """Which of a stop's customers (booked?, service seconds), in arrival order, are served.

    Booked customers take the stop's serving time first, as far as it goes (``None``:
    no free time was left to book, so no booking was made); walk-ins are served while
    the time left holds their service and are turned away (``False``) once it does
    not. The demo history's stop-days (``luukku.monitoring.history``).
    """
    left = capacity_s
    out: list[bool | None] = []
    for booked, seconds in customers:
        if booked:
            fits = seconds <= left
            left -= seconds if fits else 0
            out.append(True if fits else None)
        else:
            out.append(False)
    for i, (booked, seconds) in enumerate(customers):
        if not booked and seconds <= left:
            left -= seconds
            out[i] = True
    return out


def stop_at(at: float, spans: Sequence[tuple[float, float, int]]) -> int | None:
    """The stop a customer at moment ``at`` belongs to, of a day's ``(start, end, stop)``.

    The stop the bus stands at then; before it arrives (a number taken early, a
    booking at the kerb) the next one; after the last stop, the last.
    """
    ordered = sorted(spans)
    for start, end, stop in ordered:
        if start <= at < end:
            return stop
    for start, _end, stop in ordered:
        if at < start:
            return stop
    return ordered[-1][2] if ordered else None
