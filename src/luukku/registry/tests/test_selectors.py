"""Opening hours of real sites: the template, a host's hours, holidays, DST and the bus."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from luukku.registry.models import OpeningException
from luukku.registry.selectors import finnish_holidays, site_list, site_opening_intervals

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_holidays__include_finnish_days():
    hols = finnish_holidays(date(2026, 1, 1), date(2026, 12, 31))
    assert {date(2026, 12, 6), date(2026, 12, 25), date(2026, 6, 19), date(2026, 4, 3)} <= hols


def test_site_list__largest_first(demo):
    assert [s.size for s in site_list()] == ["L", "M", "S", "XS"]


def test_rauma__follows_national_template_and_closes_on_independence_day(demo):
    out = site_opening_intervals(demo["rauma"], date(2026, 12, 4), date(2026, 12, 8))
    # Fri 4th open, weekend closed, Sun 6th Independence Day, Mon 7th and Tue 8th open.
    assert [a.date() for a, _, _ in out] == [
        date(2026, 12, 4),
        date(2026, 12, 7),
        date(2026, 12, 8),
    ]
    assert out[0][:2] == (utc(2026, 12, 4, 7), utc(2026, 12, 4, 14))  # 9–16 local


def test_pori__own_hours_longer_on_thursday(demo):
    [(a, b, _)] = site_opening_intervals(demo["pori"], date(2026, 12, 3), date(2026, 12, 3))
    assert (a, b) == (utc(2026, 12, 3, 6), utc(2026, 12, 3, 16))  # 8–18 local


def test_kankaanpaa__keeps_library_hours_including_saturday(demo):
    out = site_opening_intervals(demo["kankaanpaa"], date(2026, 11, 28), date(2026, 11, 28))
    assert [(a, b) for a, b, _ in out] == [
        (utc(2026, 11, 28, 8), utc(2026, 11, 28, 12))
    ]  # 10–14 local


def test_pori__dst_changes__local_eight_both_sides(demo):
    spring = site_opening_intervals(demo["pori"], date(2026, 3, 27), date(2026, 3, 30))
    assert [a for a, _, _ in spring] == [utc(2026, 3, 27, 6), utc(2026, 3, 30, 5)]
    autumn = site_opening_intervals(demo["pori"], date(2026, 10, 23), date(2026, 10, 26))
    assert [a for a, _, _ in autumn] == [utc(2026, 10, 23, 5), utc(2026, 10, 26, 6)]


def test_pori__exception_closes_a_day(demo):
    OpeningException.objects.create(site=demo["pori"], date=date(2026, 12, 2), reason="Koulutus")
    out = site_opening_intervals(demo["pori"], date(2026, 12, 1), date(2026, 12, 3))
    assert [a.date() for a, _, _ in out] == [date(2026, 12, 1), date(2026, 12, 3)]


def test_bus__open_only_at_its_stops(demo):
    out = site_opening_intervals(demo["satakunta-bus"], date(2026, 11, 30), date(2026, 12, 6))
    places = [(a.date(), stop.place) for a, _, stop in out]
    assert places[0] == (date(2026, 12, 1), "K-Supermarket Ulvila")
    assert len(out) == 6 and {d.weekday() for d, _ in places} == {1, 2, 3}
    first = out[0]
    assert (first[0], first[1]) == (utc(2026, 12, 1, 7), utc(2026, 12, 1, 9, 30))
    assert first[2].arrives == time(9)
