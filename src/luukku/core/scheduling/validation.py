"""Argument checks run when records are built, so a bad request fails before any search."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SchedulingError

if TYPE_CHECKING:
    from .model import ChainLeg, ChainQuery, SiteOption, SlotQuery

CHANNELS = frozenset({"in_person", "remote"})
_ZERO = timedelta(0)
_SECOND = timedelta(seconds=1)


def validate_aware(field: str, value: datetime) -> None:
    """Refuse naive datetimes: the core cannot guess which clock they were read from."""
    if not isinstance(value, datetime):
        raise SchedulingError(field, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise SchedulingError(field, "must be timezone-aware")


def validate_interval(start: datetime, end: datetime) -> None:
    """Require an aware, non-empty half-open interval."""
    validate_aware("start", start)
    validate_aware("end", end)
    if not start < end:
        raise SchedulingError("end", "must be after start")


def validate_step(field: str, step: timedelta) -> None:
    """Require a positive grid step of whole seconds, the core's internal unit."""
    if step <= _ZERO:
        raise SchedulingError(field, "must be positive")
    if step % _SECOND:
        raise SchedulingError(field, "must be a whole number of seconds")


def _validate_horizon(not_before: datetime, not_after: datetime) -> None:
    validate_aware("not_before", not_before)
    validate_aware("not_after", not_after)
    if not not_before < not_after:
        raise SchedulingError("not_after", "must be after not_before")


def _validate_positive_int(field: str, value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise SchedulingError(field, "must be a positive integer")


def validate_slot_query(query: SlotQuery) -> None:
    """Check a single-slot search request."""
    if query.duration <= _ZERO:
        raise SchedulingError("duration", "must be positive")
    _validate_horizon(query.not_before, query.not_after)
    if query.buffer < _ZERO:
        raise SchedulingError("buffer", "must not be negative")
    validate_step("step", query.step)
    _validate_positive_int("per_site", query.per_site)
    _validate_positive_int("limit", query.limit)


def validate_site_option(option: SiteOption) -> None:
    """Check one site's offer; calendars are trusted, being built from the database."""
    if option.channel not in CHANNELS:
        raise SchedulingError("channel", f"must be one of {sorted(CHANNELS)}")
    if option.max_parallel is not None and (
        not isinstance(option.max_parallel, int) or option.max_parallel < 0
    ):
        raise SchedulingError("max_parallel", "must be None or a non-negative integer")


def validate_chain_leg(leg: ChainLeg) -> None:
    """Check one leg of a chain booking."""
    if leg.duration <= _ZERO:
        raise SchedulingError("duration", "must be positive")


def validate_chain_query(query: ChainQuery) -> None:
    """Check a chain search request, including that its time zone exists."""
    if not query.legs:
        raise SchedulingError("legs", "must not be empty")
    _validate_horizon(query.not_before, query.not_after)
    if query.max_gap < _ZERO:
        raise SchedulingError("max_gap", "must not be negative")
    if query.buffer < _ZERO:
        raise SchedulingError("buffer", "must not be negative")
    validate_step("step", query.step)
    _validate_positive_int("limit", query.limit)
    try:
        ZoneInfo(query.tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise SchedulingError("tz", f"unknown time zone {query.tz!r}") from exc
