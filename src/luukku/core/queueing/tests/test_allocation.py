"""Space allocation at call time: hard rules and best fit."""

from __future__ import annotations

import pytest

from luukku.core.queueing.allocation import (
    REMOTE_ROOM,
    SAFE_ROOM,
    SpaceInfo,
    SpaceNeed,
    choose_space,
    rank_groups,
    rank_spaces,
)

ROOM = "service_room"


def space(
    id: int,
    *,
    space_type: str = ROOM,
    capacity: int = 2,
    equipment: frozenset[str] = frozenset(),
    zone: str = "public",
    earmarked_agency: str | None = None,
    is_safe_room: bool = False,
    accessible: bool = False,
) -> SpaceInfo:
    return SpaceInfo(
        id,
        space_type,
        capacity,
        equipment,
        zone,
        earmarked_agency,
        is_safe_room,
        accessible,
        f"S{id}",
    )


def need(**kw) -> SpaceNeed:
    kw.setdefault("space_types", frozenset({ROOM}))
    return SpaceNeed(**kw)


def pick(free, **kw):
    chosen = choose_space(free, need(**kw))
    return None if chosen is None else chosen.id


def test_allocation__earmarked__not_for_other_agencies():
    assert pick([space(1, earmarked_agency="migri")], agency="kela") is None
    assert pick([space(1, earmarked_agency="migri")]) is None


def test_allocation__earmarked__agency_prefers_its_own():
    free = [space(1, capacity=2), space(2, capacity=6, earmarked_agency="migri")]
    assert pick(free, agency="migri") == 2
    assert pick(free, agency="kela") == 1


def test_allocation__safe_room__not_for_unflagged():
    assert pick([space(1, space_type=SAFE_ROOM)]) is None


def test_allocation__safe_equipped_room__last_resort_for_unflagged():
    free = [space(1, is_safe_room=True, capacity=2), space(2, capacity=4)]
    assert pick(free) == 2
    assert pick(free[:1]) == 1


@pytest.mark.parametrize(
    ("free", "expected"),
    [
        ([space(1), space(2, space_type=SAFE_ROOM)], 2),
        ([space(1), space(2, is_safe_room=True)], 2),
        ([space(1), space(2)], None),
    ],
    ids=["dedicated-safe-room", "safe-equipped-room", "none-safe"],
)
def test_allocation__flagged__always_gets_a_safe_room(free, expected):
    assert pick(free, needs_safe_room=True) == expected


def test_allocation__smallest_adequate_room():
    free = [space(1, capacity=8), space(2, capacity=3), space(3, capacity=2)]
    assert pick(free, group_size=3) == 2
    assert pick(free, group_size=9) is None


def test_allocation__tie__lowest_id():
    assert pick([space(5), space(3), space(4)]) == 3


def test_allocation__equipment__all_present_and_least_surplus():
    full = frozenset({"document_camera", "card_reader", "hearing_loop"})
    free = [space(1, equipment=full), space(2, equipment=frozenset({"card_reader"}))]
    assert pick(free, equipment=frozenset({"card_reader"})) == 2
    assert pick(free, equipment=frozenset({"hearing_loop"})) == 1
    assert pick(free, equipment=frozenset({"scanner"})) is None


def test_allocation__accessibility():
    free = [space(1, accessible=True), space(2)]
    assert pick(free, needs_accessible=True) == 1
    assert pick(free) == 2  # keep the accessible room free when not needed
    assert pick(free[1:], needs_accessible=True) is None


def test_allocation__remote__needs_remote_room():
    free = [space(1), space(2, space_type=REMOTE_ROOM)]
    assert pick(free, remote=True) == 2
    assert pick(free[:1], remote=True) is None
    assert pick(free) == 1


def test_allocation__type_must_match():
    assert pick([space(1, space_type="meeting_room")]) is None
    assert pick([space(1, space_type="meeting_room")], space_types=frozenset({"meeting_room"})) == 1


def test_allocation__zone_filter():
    free = [space(1, zone="public"), space(2, zone="secure")]
    assert pick(free, zones=frozenset({"secure"})) == 2


def test_allocation__none_free__none():
    assert pick([]) is None


def test_allocation__group_size_zero__refused():
    with pytest.raises(ValueError):
        pick([space(1)], group_size=0)


def test_allocation__rank__fitting_spaces_best_first_and_head_is_choice():
    free = [
        space(1, capacity=4),
        space(2, capacity=2),
        space(3, space_type=SAFE_ROOM),
        space(4, capacity=3, equipment=frozenset({"printer"})),
    ]
    ranked = rank_spaces(free, need())
    assert [s.id for s in ranked] == [2, 4, 1]  # the safe room does not fit an unflagged customer
    assert ranked[0] == choose_space(free, need())


def test_allocation__rank__nothing_fits__empty():
    assert rank_spaces([space(1, space_type="remote_service_room")], need()) == []


def test_allocation__rank_groups__group_then_id_is_the_ranking():
    spaces = [
        space(9, capacity=4),
        space(3, capacity=2),
        space(7, capacity=2),
        space(5, capacity=4, accessible=True),
        space(1, capacity=1),
        space(4, capacity=2, equipment=frozenset({"printer"})),
    ]
    need = SpaceNeed(space_types=frozenset({ROOM}), group_size=2)
    groups = rank_groups(spaces, need)
    assert [i for g in groups for i in g] == [s.id for s in rank_spaces(spaces, need)]
    assert groups == [(3, 7), (4,), (9,), (5,)]
    assert all(list(g) == sorted(g) for g in groups)
