"""Bus timetable suggestions (issue 16 item 5): the stop-day aggregate, the page, accepting.

The demo bus stands on Tuesdays at Ulvila 9.00–11.30 and Nakkila 12.30–15.00, on
Wednesdays at Merikarvia and Siikainen, on Thursdays at Eura and Kokemäki.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from luukku.access.testing import sign_in
from luukku.audit.retention import personal_data_purge
from luukku.booking.models import BookingState, Channel, Visit
from luukku.booking.selectors import availability
from luukku.monitoring.history import seed_history
from luukku.monitoring.models import DailyStopUse
from luukku.monitoring.services import LOCAL, day_aggregate
from luukku.monitoring.tests.test_aggregate import booking, ticket
from luukku.queueing.models import Kind
from luukku.registry.models import BusStop, Role, Service, Site, StaffProfile
from luukku.registry.snapshot import registry_snapshot

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 11, 10)
FIELDS = (
    "day", "stop__place", "bookings", "walk_ins", "served", "turned_away", "service_s",
    "booked_s", "open_s", "spaces",
)  # fmt: skip


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=LOCAL)


def stop(demo, place: str) -> BusStop:
    return BusStop.objects.get(site=demo["satakunta-bus"], place=place, valid_until__isnull=True)


def stop_rows() -> list[tuple]:
    return sorted(DailyStopUse.objects.values_list(*FIELDS))


# -- the daily stop aggregate ----------------------------------------------------------


def test_day_aggregate__bus_stop_rows__per_stop_the_bus_stood_at(demo):
    bus = demo["satakunta-bus"]
    ticket(bus, at(TUESDAY, 9, 10), wait_min=5, service_min=20)
    ticket(bus, at(TUESDAY, 8, 50), wait_min=15, service_min=10)  # before it arrived: Ulvila
    ticket(bus, at(TUESDAY, 11, 0), wait_min=None)  # never called: turned away
    ticket(bus, at(TUESDAY, 10, 0), kind=Kind.BOOKING, service_min=30)
    booking(bus, at(TUESDAY, 10, 0))
    booking(bus, at(TUESDAY, 10, 30), state=BookingState.CANCELLED)
    ticket(demo["pori"], at(TUESDAY, 10, 0))  # not the bus
    day_aggregate(day=TUESDAY)
    rows = {r[1]: r for r in stop_rows()}
    assert set(rows) == {"K-Supermarket Ulvila", "Nakkilan tori"}
    _day, _place, bookings, walk_ins, served, away, service_s, booked_s, open_s, spaces = rows[
        "K-Supermarket Ulvila"
    ]
    assert (bookings, walk_ins, served, away) == (1, 3, 3, 1)
    assert service_s == 60 * 60 and booked_s == 30 * 60
    assert open_s == 150 * 60 and spaces == 1
    # Nakkila: the bus stood there, no one came: an idle stop-day is evidence too.
    assert rows["Nakkilan tori"][2:] == (0, 0, 0, 0, 0, 0, 150 * 60, 1)
    first = stop_rows()
    day_aggregate(day=TUESDAY)
    assert stop_rows() == first


def test_day_aggregate__bus_stop_rows__a_day_without_stops_has_none(demo):
    ticket(demo["satakunta-bus"], at(TUESDAY + timedelta(days=3), 10))  # a Friday
    day_aggregate(day=TUESDAY + timedelta(days=3))
    assert not DailyStopUse.objects.exists()


def test_day_aggregate__bus_stop_rows__survive_the_retention_purge(demo):
    bus = demo["satakunta-bus"]
    day = TUESDAY - timedelta(weeks=52)
    ticket(bus, at(day, 9, 30), phone="0401234567")
    booking(bus, at(day, 10))
    Visit.objects.update(created_at=at(day, 8))
    day_aggregate(day=day)
    before = stop_rows()
    personal_data_purge()
    assert stop_rows() == before
    day_aggregate(day=day)
    assert stop_rows() == before


def test_day_aggregate__bus_stop_rows__follow_the_timetable_of_that_day(demo):
    """After a change, a day before it keeps the old stop and a day after has the new one."""
    ulvila = stop(demo, "K-Supermarket Ulvila")
    ulvila.valid_until = date(2026, 11, 15)
    ulvila.save()
    later = BusStop.objects.create(
        site=ulvila.site, place=ulvila.place, address=ulvila.address, weekday=1,
        arrives=time(9), departs=time(12), valid_from=date(2026, 11, 16),
    )  # fmt: skip
    day_aggregate(day=TUESDAY)
    day_aggregate(day=TUESDAY + timedelta(weeks=1))
    ids = dict(DailyStopUse.objects.filter(stop__place=ulvila.place).values_list("day", "stop_id"))
    opened = dict(
        DailyStopUse.objects.filter(stop__place=ulvila.place).values_list("day", "open_s")
    )
    assert ids == {TUESDAY: ulvila.pk, TUESDAY + timedelta(weeks=1): later.pk}
    assert opened[TUESDAY + timedelta(weeks=1)] == 180 * 60


def test_seed_history__a_year_of_bus_evidence(demo):
    counts = seed_history(days=70, today=date(2026, 11, 30))
    rows = DailyStopUse.objects.filter(site=demo["satakunta-bus"])
    assert counts["stop_rows"] == rows.count() > 0
    assert {d.weekday() for d in rows.values_list("day", flat=True)} <= {1, 2, 3}
    assert all(0 < r.open_s and r.service_s <= r.open_s * r.spaces for r in rows)
    by_place = {}
    for place, walk_ins, bookings in rows.values_list("stop__place", "walk_ins", "bookings"):
        by_place[place] = by_place.get(place, 0) + walk_ins + bookings
    assert by_place["K-Supermarket Ulvila"] > 3 * by_place["Siikaisten Sale"]


# -- the page -----------------------------------------------------------------------------


def _evidence(demo, place: str, *, visits: int, service_min: int, turned_away: int = 0, n=10):
    s = stop(demo, place)
    first = TUESDAY - timedelta(weeks=n)
    open_s = (datetime.combine(first, s.departs) - datetime.combine(first, s.arrives)).seconds
    DailyStopUse.objects.bulk_create(
        DailyStopUse(
            day=first + timedelta(weeks=i, days=s.weekday - 1),
            site=s.site,
            stop=s,
            walk_ins=visits,
            served=visits - turned_away,
            turned_away=turned_away,
            service_s=service_min * 60,
            open_s=open_s,
        )
        for i in range(n)
    )
    return s


URL = "/monitoring/sites/satakunta-bus/bus/"
PERIOD = {"date_from": "2026-08-01", "date_to": "2026-11-30"}


@pytest.fixture
def evidence(demo):
    return {
        "busy": _evidence(demo, "K-Supermarket Ulvila", visits=9, service_min=145, turned_away=2),
        "idle": _evidence(demo, "Siikaisten Sale", visits=1, service_min=10),
    }


def _client(username: str | None) -> Client:
    c = Client()
    if username == "rauma.esihenkilo":  # a site manager of another point
        user, _new = get_user_model().objects.get_or_create(username=username)
        profile, _new = StaffProfile.objects.get_or_create(user=user, role=Role.SITE_MANAGER)
        profile.sites.set(Site.objects.filter(slug="rauma"))
        c.force_login(user)
    elif username:
        sign_in(c, username, verified=False)
    return c


def test_bus_page__the_routes_site_manager_sees_suggestions_with_evidence(evidence):
    r = _client("bussi.esihenkilo").get(URL, PERIOD)
    assert r.status_code == 200
    html = r.content.decode()
    busy = html[html.index(f'id="stop-{evidence["busy"].pk}"') :]
    busy = busy[: busy.index("</tr>")]
    assert "9.00–12.00" in busy and "97 %" in busy  # lengthen, and the utilisation behind it
    assert 'name="effective"' in busy and "2,0" in busy  # turned away a day
    idle = html[html.index(f'id="stop-{evidence["idle"].pk}"') :]
    assert 'value="drop"' in idle[: idle.index("</tr>")]


def test_bus_page__linked_from_the_reports_of_the_routes_manager(evidence):
    r = _client("bussi.esihenkilo").get("/monitoring/reports/")
    assert URL in r.content.decode()
    assert URL not in _client("rauma.esihenkilo").get("/monitoring/reports/").content.decode()


def test_bus_page__the_pori_site_manager_also_runs_the_bus(evidence):
    """In the demo the Satakunta bus is run from the Pori point: its manager has both."""
    assert _client("esihenkilo").get(URL, PERIOD).status_code == 200


def test_bus_page__planner_reads_without_accepting(evidence):
    r = _client("suunnittelija").get(URL, PERIOD)
    assert r.status_code == 200 and b"9.00" in r.content and b'name="effective"' not in r.content
    post = _client("suunnittelija").post(URL + "accept/", {"stop": evidence["busy"].pk})
    assert post.status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [("rauma.esihenkilo", 404), ("kela.pori1", 403), ("neuvoja", 403), (None, 302)],
)
def test_bus_page__others_are_refused(evidence, username, status):
    r = _client(username).get(URL)
    assert r.status_code == status
    if username is None:
        assert r["Location"].startswith("/accounts/login/")
    post = _client(username).post(URL + "accept/", {"stop": evidence["busy"].pk})
    assert post.status_code == status
    assert not BusStop.objects.filter(valid_until__isnull=False).exists()


def test_bus_page__not_for_a_point_that_is_no_bus(demo):
    assert _client("admin").get("/monitoring/sites/pori/bus/").status_code == 404


def test_bus_page__bad_period__400_naming_the_field(evidence):
    r = _client("bussi.esihenkilo").get(URL, {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert r.status_code == 400 and b'id="id_date_to-error"' in r.content


# -- accepting ------------------------------------------------------------------------------


def _accept(busy: BusStop, day: date, **extra):
    body = {
        "stop": busy.pk,
        "kind": "lengthen",
        "weekday": 1,
        "arrives": "09:00",
        "departs": "12:00",
        "effective": day.isoformat(),
        **extra,
    }
    return _client("bussi.esihenkilo").post(URL + "accept/", body)


def _next_monday() -> date:
    today = datetime.now(LOCAL).date()
    return today + timedelta(days=7 - today.weekday())


def test_accept__ends_the_stop_and_adds_its_successor_that_search_follows(evidence):
    busy, monday = evidence["busy"], _next_monday()
    r = _accept(busy, monday)
    assert r.status_code == 303 and r["Location"].endswith("#timetable")
    busy.refresh_from_db()
    assert busy.valid_until == monday - timedelta(days=1)
    new = BusStop.objects.get(place=busy.place, valid_from=monday)
    assert (new.weekday, new.arrives, new.departs, new.valid_until) == (1, time(9), time(12), None)
    assert LogEntry.objects.filter(object_id=str(new.pk)).exists()
    # The search offers 11.30 on the Tuesday after the change, not on the one before.
    service = Service.objects.get(code="benefit-advice")
    snap = registry_snapshot()
    starts = {
        s.start.astimezone(LOCAL)
        for s in availability(
            service.pk,
            at(monday - timedelta(days=6), 0),
            at(monday + timedelta(days=2), 0),
            per_site=200,
            limit=2000,
            snap=snap,
        )
        if s.site_id == busy.site_id
    }
    assert at(monday + timedelta(days=1), 11, 30) in starts
    assert at(monday - timedelta(days=6), 11, 30) not in starts
    page = _client("bussi.esihenkilo").get(f"{URL}?changed={new.pk}").content.decode()
    assert 'role="status"' in page and f'data-stop="{new.pk}"' in page


def test_accept__drop_only_ends_the_stop(evidence):
    idle, monday = evidence["idle"], _next_monday()
    r = _accept(idle, monday, kind="drop", weekday="", arrives="", departs="")
    assert r.status_code == 303
    idle.refresh_from_db()
    assert idle.valid_until == monday - timedelta(days=1)
    assert BusStop.objects.filter(place=idle.place).count() == 1
    snap = registry_snapshot()
    assert "siikainen" not in snap.sites[idle.site_id].municipalities(monday)
    assert "siikainen" in snap.sites[idle.site_id].municipalities(monday - timedelta(days=7))


@pytest.mark.parametrize("days_from_today", [0, -3])
def test_accept__not_in_the_future__422_naming_the_field(evidence, days_from_today):
    today = datetime.now(LOCAL).date()
    r = _accept(evidence["busy"], today + timedelta(days=days_from_today))
    assert r.status_code == 422
    # The page is in Finnish: "The change must begin after today."
    assert "Muutoksen on alettava tämän päivän jälkeen." in r.content.decode()
    assert b'aria-invalid="true"' in r.content
    assert not BusStop.objects.filter(valid_until__isnull=False).exists()


def test_accept__bad_input__422_not_500(evidence):
    for extra in ({"effective": "not-a-date"}, {"kind": "teleport"}, {"stop": "999999"},
                  {"departs": ""}, {"arrives": "12:00", "departs": "11:00"},
                  {"kind": "move", "weekday": "0"}, {"weekday": "9"}):  # fmt: skip
        r = _accept(evidence["busy"], _next_monday(), **extra)
        assert r.status_code == 422, extra
    assert not BusStop.objects.filter(valid_until__isnull=False).exists()


def test_accept__move__to_another_route_weekday(evidence):
    busy, monday = evidence["busy"], _next_monday()
    r = _accept(busy, monday, kind="move", weekday="2", arrives="15:30", departs="17:00")
    assert r.status_code == 303
    new = BusStop.objects.get(place=busy.place, valid_from=monday)
    assert (new.weekday, new.arrives) == (2, time(15, 30))


def test_accept__clash_with_the_next_stop__422(evidence):
    r = _accept(evidence["busy"], _next_monday(), departs="13:00")
    assert r.status_code == 422 and "Nakkilan tori" in r.content.decode()


def test_accept__a_booking_the_new_times_do_not_hold__refused_naming_a_later_day(evidence):
    busy, monday = evidence["busy"], _next_monday()
    kept = booking(busy.site, at(monday + timedelta(days=1), 10), state=BookingState.BOOKED)
    far = booking(busy.site, at(monday + timedelta(days=8), 11), state=BookingState.BOOKED)
    for b in (kept, far):
        b.bus_stop, b.channel = busy, Channel.REMOTE
        b.save()
    # Shortened to 9.00–10.30: the 11.00 booking a week later would be outside.
    r = _accept(busy, monday, kind="shorten", departs="10:30")
    assert r.status_code == 422
    last = monday + timedelta(days=8)
    assert f"{last.day}.{last.month}.{last.year}" in r.content.decode()
    # Lengthened, both still fit and move to the new stop.
    assert _accept(busy, monday).status_code == 303
    new = BusStop.objects.get(place=busy.place, valid_from=monday)
    kept.refresh_from_db()
    far.refresh_from_db()
    assert kept.bus_stop == new and far.bus_stop == new
