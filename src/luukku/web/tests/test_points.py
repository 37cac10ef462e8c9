"""The service points' public pages and the accessibility statement."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from luukku.queueing.services.tickets import ticket_create
from luukku.registry.models import BusStop, OpeningException, Service
from luukku.web import points

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("slug", ["pori", "rauma", "kankaanpaa", "satakunta-bus"])
def test_point_page__every_point_in_every_language__renders(client, demo, slug, language):
    response = client.get(f"/sites/{slug}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert demo[slug].name in html or getattr(demo[slug], f"name_{language}") in html
    assert 'href="/accessibility/"' in html
    assert f'href="/book/?site={slug}"' in html


def test_point_page__unknown_point__is_404(client, demo):
    assert client.get("/sites/no-such-point/").status_code == 404


def test_point_list__links_every_point(client, demo):
    html = client.get("/sites/").content.decode()
    for slug in demo:
        assert f'href="/sites/{slug}/"' in html


def test_landing__links_the_point_pages_and_the_statement(client, demo):
    html = client.get("/").content.decode()
    assert 'href="/sites/"' in html
    assert 'href="/sites/pori/"' in html
    assert 'href="/accessibility/"' in html


def test_point_hours__independence_day__is_closed_and_named(demo):
    # 6.12.2027 is a Monday, a weekday Pori is normally open.
    hours = points.point_hours(demo["pori"], date(2027, 12, 4), "fi", n_days=5)
    by_day = {h.day: h for h in hours}
    assert by_day[date(2027, 12, 6)].closed
    assert by_day[date(2027, 12, 6)].note == "Itsenäisyyspäivä"
    assert not by_day[date(2027, 12, 7)].closed
    assert [(p.opens, p.closes) for p in by_day[date(2027, 12, 7)].periods] == [(time(8), time(16))]
    assert points.point_hours(demo["pori"], date(2027, 12, 6), "sv", n_days=1)[0].note == (
        "Självständighetsdagen"
    )


def test_point_hours__dated_exception__shows_its_reason_and_hours(demo):
    OpeningException.objects.create(
        site=demo["pori"],
        date=date(2027, 3, 3),
        closed=False,
        opens=time(10),
        closes=time(12),
        reason="Koulutuspäivä",
    )
    [day] = points.point_hours(demo["pori"], date(2027, 3, 3), "fi", n_days=1)
    assert day.changed and day.note == "Koulutuspäivä"
    assert [(p.opens, p.closes) for p in day.periods] == [(time(10), time(12))]


def test_point_hours__bus__each_period_names_its_stop(demo):
    # 2.3.2027 is a Tuesday: Ulvila in the morning, Nakkila after noon.
    [day] = points.point_hours(demo["satakunta-bus"], date(2027, 3, 2), "fi", n_days=1)
    assert [(p.opens, p.stop.place) for p in day.periods] == [
        (time(9), "K-Supermarket Ulvila"),
        (time(12, 30), "Nakkilan tori"),
    ]


def test_bus_timetable__stops_by_weekday(demo):
    weekly, one_off = points.bus_timetable(demo["satakunta-bus"])
    assert [w.weekday for w in weekly] == [1, 2, 3]
    assert [s.place for s in weekly[0].stops] == ["K-Supermarket Ulvila", "Nakkilan tori"]
    assert one_off == []


def test_open_now__closed_in_the_evening__names_the_next_opening(demo):
    state = points.open_now(demo["pori"], _at(date(2027, 3, 1), 21, 25))  # a Monday
    assert not state.is_open
    assert state.next_opens == _at(date(2027, 3, 2), 8)
    state = points.open_now(demo["pori"], _at(date(2027, 3, 2), 9))
    assert state.is_open and state.until == _at(date(2027, 3, 2), 16)


def test_agencies__library_point__serves_every_agency_by_video(demo):
    page = points.point_page(demo["kankaanpaa"], "fi", _at(date(2027, 3, 2), 12))
    assert page.on_site == []
    assert len(page.by_video) > 0
    pori = points.point_page(demo["pori"], "fi", _at(date(2027, 3, 2), 12))
    assert "KELA" in {a.code for a in pori.on_site}


def test_queue__counts_and_estimate__no_personal_data(client, demo):
    site = demo["pori"]
    service = Service.objects.get(code="benefit-advice")
    for _ in range(3):
        ticket_create(site=site, service=service)
    page = points.point_page(site, "fi")
    [kela] = [q for q in page.queues if q["agency"] and q["agency"].code == "KELA"]
    assert kela["waiting"] == 3
    assert kela["minutes"] is None or kela["minutes"] >= 0
    assert page.waiting_total >= 3


@override_settings(LUUKKU_ACCESSIBILITY_FEEDBACK_EMAIL="palaute@example.fi")
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_accessibility_statement__names_the_feedback_address_and_the_authority(
    client, demo, language
):
    response = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="mailto:palaute@example.fi"' in html
    assert "Traficom" in html
    assert "306/2019" in html


def test_admin__registry_app_label__is_translated():
    from django.apps import apps
    from django.utils import translation

    with translation.override("fi"):
        assert str(apps.get_app_config("registry").verbose_name) != "Registry"
        assert "REGISTRY" not in str(apps.get_app_config("registry").verbose_name).upper()


def test_point_pages__query_counts__do_not_grow_with_the_registry(
    client, demo, django_assert_max_num_queries
):
    client.get("/sites/pori/")  # the registry snapshot is built once per process
    with django_assert_max_num_queries(10):
        assert client.get("/sites/pori/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/sites/satakunta-bus/").status_code == 200
    # The list's open/closed line is read from the snapshot: no query per point.
    with django_assert_max_num_queries(6):
        assert client.get("/sites/").status_code == 200


def test_open_now__bus__names_the_stop_it_is_at_or_the_next_one(demo):
    bus = demo["satakunta-bus"]
    at_stop = points.open_now(bus, _at(date(2027, 3, 2), 10))  # a Tuesday
    assert at_stop.is_open and at_stop.place == "K-Supermarket Ulvila"
    between = points.open_now(bus, _at(date(2027, 3, 2), 11, 45))
    assert not between.is_open and between.next_place == "Nakkilan tori"
    assert between.next_opens == _at(date(2027, 3, 2), 12, 30)


def test_bus_timetable__honours_the_stops_validity(demo):
    """An ended stop is gone, its successor is listed with the day it begins; the hours
    of the coming weeks follow the stop of each day."""
    bus = demo["satakunta-bus"]
    ulvila = BusStop.objects.get(site=bus, place="K-Supermarket Ulvila")
    ulvila.valid_until = date(2027, 3, 7)
    ulvila.save()
    later = BusStop.objects.create(
        site=bus, place=ulvila.place, address=ulvila.address, weekday=1,
        arrives=time(9), departs=time(12), valid_from=date(2027, 3, 8),
    )  # fmt: skip
    weekly, _ = points.bus_timetable(bus, date(2027, 3, 1))
    assert [(s.pk, s.departs) for s in weekly[0].stops][:2] == [
        (ulvila.pk, time(11, 30)),
        (later.pk, time(12)),
    ]
    weekly, _ = points.bus_timetable(bus, date(2027, 3, 8))
    assert ulvila.pk not in {s.pk for s in weekly[0].stops}
    days = points.point_hours(bus, date(2027, 3, 2), "fi", n_days=8)
    ulvila_periods = [
        (d.day, p.closes) for d in days for p in d.periods if p.stop.place == ulvila.place
    ]
    assert ulvila_periods == [(date(2027, 3, 2), time(11, 30)), (date(2027, 3, 9), time(12))]


def test_point_page__bus__names_the_day_a_coming_stop_begins(client, demo):
    bus = demo["satakunta-bus"]
    today = points.local_day(timezone.now())
    ulvila = BusStop.objects.get(site=bus, place="K-Supermarket Ulvila")
    ulvila.valid_until = today + timedelta(days=30)
    ulvila.save()
    later = BusStop.objects.create(
        site=bus, place=ulvila.place, address=ulvila.address, weekday=1,
        arrives=time(9), departs=time(12), valid_from=today + timedelta(days=31),
    )  # fmt: skip
    html = client.get(f"/sites/{bus.slug}/").content.decode()
    day = later.valid_from
    assert f"{day.day}.{day.month}.{day.year}" in html
