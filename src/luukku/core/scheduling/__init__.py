"""Pure-Python scheduling core: find free time for people, spaces and interpreters together.

The Django layer loads plain calendars, calls `find_slots` or `find_chains`, and persists
the chosen slot; nothing here touches the database or the clock.
"""

from __future__ import annotations

from .chains import find_chains
from .errors import SchedulingError
from .model import (
    Chain,
    ChainLeg,
    ChainQuery,
    Interval,
    ResourceCalendar,
    SiteOption,
    Slot,
    SlotQuery,
    overlaps,
)
from .slots import find_slots
from .validation import (
    validate_aware,
    validate_chain_leg,
    validate_chain_query,
    validate_interval,
    validate_site_option,
    validate_slot_query,
)

__all__ = [
    "Chain",
    "ChainLeg",
    "ChainQuery",
    "Interval",
    "ResourceCalendar",
    "SchedulingError",
    "SiteOption",
    "Slot",
    "SlotQuery",
    "find_chains",
    "find_slots",
    "overlaps",
    "validate_aware",
    "validate_chain_leg",
    "validate_chain_query",
    "validate_interval",
    "validate_site_option",
    "validate_slot_query",
]
