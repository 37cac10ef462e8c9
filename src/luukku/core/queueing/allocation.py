"""Space allocation at call time: officials do not own booths.

When a customer is called, the caller passes the spaces free at that moment and
what the service event needs; ``choose_space`` returns the best fit or None.

Hard rules (a space that breaks one is never returned):

- its type is one of ``need.space_types``; a remote call needs a
  ``remote_service_room`` whatever ``space_types`` says;
- it has all the equipment asked for, room for ``group_size`` people, is
  accessible when asked, and lies in ``need.zones`` when given;
- a space earmarked to an agency is used only by that agency;
- a risk-flagged customer (``needs_safe_room``) always gets a safe room (one of
  type ``safe_room`` or flagged ``is_safe_room``); a dedicated ``safe_room`` is
  also acceptable for a flagged customer when its type was not listed, because
  safety outranks the usual room type;
- a dedicated ``safe_room`` is never given to an unflagged customer (unless the
  caller listed ``safe_room`` among the types), so one is free when risk arises.

Preferences, in order (best fit keeps scarce rooms free for those who need them):
the agency's own earmarked space; for an unflagged customer, not a safe-equipped
room; the smallest adequate capacity; the fewest unneeded equipment items; not an
accessible room when accessibility was not asked for; then the lowest id, so the
choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "REMOTE_ROOM",
    "SAFE_ROOM",
    "SpaceInfo",
    "SpaceNeed",
    "choose_space",
    "fits",
    "rank_groups",
    "rank_spaces",
]

REMOTE_ROOM = "remote_service_room"
SAFE_ROOM = "safe_room"


@dataclass(frozen=True, slots=True)
class SpaceInfo:
    """A space that is free at the moment of the call."""

    id: int
    space_type: str
    capacity: int
    equipment: frozenset[str]
    zone: str
    earmarked_agency: str | None
    is_safe_room: bool
    accessible: bool
    label: str


@dataclass(frozen=True, slots=True)
class SpaceNeed:
    """What the service event being started needs from a space."""

    space_types: frozenset[str]
    equipment: frozenset[str] = frozenset()
    group_size: int = 1
    agency: str | None = None
    needs_safe_room: bool = False
    needs_accessible: bool = False
    remote: bool = False
    zones: frozenset[str] | None = None


def _is_safe(space: SpaceInfo) -> bool:
    return space.is_safe_room or space.space_type == SAFE_ROOM


def fits(space: SpaceInfo, need: SpaceNeed) -> bool:
    """Return whether ``space`` satisfies every hard rule for ``need``."""
    if need.remote:
        type_ok = space.space_type == REMOTE_ROOM
    elif need.needs_safe_room:
        type_ok = space.space_type in need.space_types or space.space_type == SAFE_ROOM
    else:
        type_ok = space.space_type in need.space_types
    if not type_ok:
        return False
    if need.needs_safe_room:
        if not _is_safe(space):
            return False
    elif space.space_type == SAFE_ROOM and SAFE_ROOM not in need.space_types:
        return False
    if space.earmarked_agency is not None and space.earmarked_agency != need.agency:
        return False
    if space.capacity < need.group_size:
        return False
    if need.needs_accessible and not space.accessible:
        return False
    if need.zones is not None and space.zone not in need.zones:
        return False
    return need.equipment <= space.equipment


def _preference(space: SpaceInfo, need: SpaceNeed) -> tuple:
    own = need.agency is not None and space.earmarked_agency == need.agency
    wasted_safe = _is_safe(space) and not need.needs_safe_room
    wasted_access = space.accessible and not need.needs_accessible
    return (
        not own,
        wasted_safe,
        space.capacity,
        len(space.equipment - need.equipment),
        wasted_access,
        space.id,
    )


def rank_spaces(spaces: Sequence[SpaceInfo], need: SpaceNeed) -> list[SpaceInfo]:
    """Return the spaces that fit ``need``, best first (the order ``choose_space`` uses).

    The caller may hand this list to the database, which gives out the first one
    that is free and not being given out by another official at this moment.
    """
    if need.group_size < 1:
        raise ValueError("group_size must be at least 1")
    fitting = [s for s in spaces if fits(s, need)]
    fitting.sort(key=lambda s: _preference(s, need))
    return fitting


def rank_groups(spaces: Sequence[SpaceInfo], need: SpaceNeed) -> list[tuple[int, ...]]:
    """The ids of the spaces that fit ``need`` in groups of equal preference, best first.

    Preference ends with the space's id, so "group, then id" is exactly
    ``rank_spaces``' order, stated in a few groups: what the database needs to give
    out the best free space itself (most sites have a handful of kinds of room).
    """
    groups: list[list[int]] = []
    last = None
    for space in rank_spaces(spaces, need):
        key = _preference(space, need)[:-1]
        if key != last:
            groups.append([])
            last = key
        groups[-1].append(space.id)
    return [tuple(g) for g in groups]


def choose_space(free: Sequence[SpaceInfo], need: SpaceNeed) -> SpaceInfo | None:
    """Return the best-fitting free space, or None when nothing fits.

    On None the caller tells the official and leaves the customer first in line.
    """
    if need.group_size < 1:
        raise ValueError("group_size must be at least 1")
    best: SpaceInfo | None = None
    best_key: tuple | None = None
    for space in free:
        if not fits(space, need):
            continue
        key = _preference(space, need)
        if best_key is None or key < best_key:
            best, best_key = space, key
    return best
