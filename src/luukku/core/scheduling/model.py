"""Plain frozen records the scheduling core takes and returns; times are aware datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .validation import (
    validate_chain_leg,
    validate_chain_query,
    validate_interval,
    validate_site_option,
    validate_slot_query,
)


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open period [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        validate_interval(self.start, self.end)


def overlaps(a: Interval, b: Interval) -> bool:
    """Tell whether two half-open intervals share an instant (touching ones do not)."""
    return a.start < b.end and b.start < a.end


@dataclass(frozen=True, slots=True)
class ResourceCalendar:
    """When one official, space or interpreter may be used and when it is already taken.

    Touching `available` intervals count as one continuous stretch.
    """

    resource_id: int
    available: tuple[Interval, ...]
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteOption:
    """Everything needed to book one service at one site over one channel."""

    site_id: int
    channel: str
    windows: tuple[Interval, ...]
    officials: tuple[ResourceCalendar, ...]
    spaces: tuple[ResourceCalendar, ...]
    interpreters: tuple[ResourceCalendar, ...] = ()
    needs_interpreter: bool = False
    max_parallel: int | None = None
    group_busy: tuple[Interval, ...] = ()

    def __post_init__(self) -> None:
        validate_site_option(self)


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """What a customer asks for: how long, from when, until when."""

    duration: timedelta
    not_before: datetime
    not_after: datetime
    buffer: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=15)
    per_site: int = 3
    limit: int = 20

    def __post_init__(self) -> None:
        validate_slot_query(self)


@dataclass(frozen=True, slots=True)
class Slot:
    """One bookable combination of time, official, space and maybe interpreter."""

    site_id: int
    channel: str
    start: datetime
    end: datetime
    official_id: int
    space_id: int
    interpreter_id: int | None


@dataclass(frozen=True, slots=True)
class ChainLeg:
    """One agency's part of a chained visit, with the sites where it can happen."""

    duration: timedelta
    options: tuple[SiteOption, ...]

    def __post_init__(self) -> None:
        validate_chain_leg(self)


@dataclass(frozen=True, slots=True)
class ChainQuery:
    """Several agencies served one after another within one visit."""

    legs: tuple[ChainLeg, ...]
    not_before: datetime
    not_after: datetime
    max_gap: timedelta = timedelta(minutes=30)
    buffer: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=15)
    limit: int = 5
    tz: str = "Europe/Helsinki"

    def __post_init__(self) -> None:
        validate_chain_query(self)


@dataclass(frozen=True, slots=True)
class Chain:
    """One visit: consecutive slots at one site, in leg order."""

    site_id: int
    slots: tuple[Slot, ...]

    @property
    def start(self) -> datetime:
        return self.slots[0].start

    @property
    def end(self) -> datetime:
        return self.slots[-1].end
