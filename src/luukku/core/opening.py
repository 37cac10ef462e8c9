"""Opening hours as UTC intervals, from weekly rules, dated exceptions and holidays.

Rules are written in local wall-clock time (Europe/Helsinki) because that is how a
service point publishes them; they are turned into UTC intervals day by day so that
08:00–16:00 stays 08:00–16:00 on both sides of a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """Open on ``weekday`` (Monday = 0) from ``opens`` to ``closes``, local time."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True, slots=True)
class DayException:
    """A dated change: closed all day, or open only ``opens``–``closes``."""

    day: date
    closed: bool = True
    opens: time | None = None
    closes: time | None = None


@dataclass(frozen=True, slots=True)
class DatedPeriod:
    """Open on one date only, e.g. a bus stop visit: ``opens``–``closes`` local time."""

    day: date
    opens: time
    closes: time
    ref: object = None


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Local wall-clock time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def days(start: date, end: date) -> Iterator[date]:
    """Each date from ``start`` to ``end`` inclusive."""
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def opening_intervals(
    rules: Iterable[WeeklyRule],
    *,
    start: date,
    end: date,
    tz: str = "Europe/Helsinki",
    exceptions: Iterable[DayException] = (),
    holidays: Collection[date] = (),
) -> list[tuple[datetime, datetime]]:
    """UTC intervals when a place is open between ``start`` and ``end`` (inclusive dates).

    A dated exception wins over a holiday, and a holiday over the weekly rule: a site
    may choose to open on a public holiday by adding an exception for that date.
    """
    zone = ZoneInfo(tz)
    by_weekday: dict[int, list[WeeklyRule]] = {}
    for rule in rules:
        by_weekday.setdefault(rule.weekday, []).append(rule)
    by_date = {e.day: e for e in exceptions}
    out: list[tuple[datetime, datetime]] = []
    for day in days(start, end):
        exc = by_date.get(day)
        if exc is not None:
            if not exc.closed and exc.opens and exc.closes:
                out.append(
                    (local_to_utc(day, exc.opens, zone), local_to_utc(day, exc.closes, zone))
                )
            continue
        if day in holidays:
            continue
        for rule in sorted(by_weekday.get(day.weekday(), ()), key=lambda r: r.opens):
            out.append((local_to_utc(day, rule.opens, zone), local_to_utc(day, rule.closes, zone)))
    return out


def dated_intervals(
    periods: Iterable[DatedPeriod], *, tz: str = "Europe/Helsinki"
) -> list[tuple[datetime, datetime, object]]:
    """UTC intervals of one-off dated periods (bus stop visits), with their reference."""
    zone = ZoneInfo(tz)
    return sorted(
        (local_to_utc(p.day, p.opens, zone), local_to_utc(p.day, p.closes, zone), p.ref)
        for p in periods
    )


@dataclass(frozen=True, slots=True)
class Stop:
    """A bus stop: on one date, or every ``weekday``, from ``arrives`` to ``departs``.

    ``valid_from``/``valid_until`` bound the days it is in the timetable (inclusive):
    a timetable change ends one stop and starts its successor the next day.
    """

    day: date | None
    weekday: int | None
    arrives: time
    departs: time
    ref: object = None
    valid_from: date | None = None
    valid_until: date | None = None

    def stands_on(self, day: date) -> bool:
        """Whether the bus stops here on ``day`` (closures and the route aside)."""
        if (self.valid_from and day < self.valid_from) or (
            self.valid_until and day > self.valid_until
        ):
            return False
        return self.day == day or (self.day is None and self.weekday == day.weekday())


def stop_intervals(
    stops: Iterable[Stop],
    *,
    start: date,
    end: date,
    tz: str = "Europe/Helsinki",
    closed: Collection[date] = (),
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> list[tuple[datetime, datetime, object]]:
    """UTC intervals while a bus stands at its stops, each with its stop's reference.

    No stop on closed days (holidays, dated closures), outside the route's validity or
    outside the stop's own.
    """
    stops = list(stops)
    periods = []
    for day in days(start, end):
        if (
            day in closed
            or (valid_from and day < valid_from)
            or (valid_until and day > valid_until)
        ):
            continue
        for stop in stops:
            if stop.stands_on(day):
                periods.append(DatedPeriod(day, stop.arrives, stop.departs, stop.ref))
    return dated_intervals(periods, tz=tz)


def overlapping_rules(rules: Iterable[WeeklyRule]) -> list[tuple[WeeklyRule, WeeklyRule]]:
    """Pairs of rules on the same weekday whose times overlap."""
    clashes = []
    ordered = sorted(rules, key=lambda r: (r.weekday, r.opens))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.weekday == b.weekday and b.opens < a.closes:
            clashes.append((a, b))
    return clashes


@dataclass(frozen=True, slots=True)
class OpenState:
    """Whether a place is open at a moment: the interval it is in, and the next one after it.

    Each interval is ``(opens, closes, ref)`` in UTC; ``ref`` is a bus stop or ``None``.
    """

    current: tuple[datetime, datetime, object] | None
    upcoming: tuple[datetime, datetime, object] | None

    @property
    def is_open(self) -> bool:
        return self.current is not None


def open_state(intervals: Iterable[tuple], at: datetime) -> OpenState:
    """The interval that holds ``at`` (opens <= at < closes), and the first to start after it."""
    current = upcoming = None
    for interval in sorted(intervals, key=lambda i: (i[0], i[1])):
        opens, closes = interval[0], interval[1]
        ref = interval[2] if len(interval) > 2 else None
        if current is None and opens <= at < closes:
            current = (opens, closes, ref)
        elif opens > at:
            upcoming = (opens, closes, ref)
            break
    return OpenState(current, upcoming)
