"""The booking API against the demo region: happy paths and every kind of bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from luukku.booking.models import Booking, BookingState, Reservation, Visit
from luukku.booking.services import BookingError, _reserve, booking_transition
from luukku.core.scheduling import Slot
from luukku.registry.models import Service, Space, StaffProfile

pytestmark = pytest.mark.django_db
API = "/api/v1/booking"


def first_slot(client, service="passport", **params):
    resp = client.get(f"{API}/availability", {"service": service, "limit": 5, **params})
    assert resp.status_code == 200, resp.content
    return resp.json()[0]


def book(client, slot, service="passport", **extra):
    body = {
        "site": slot["site"],
        "name": "Testi Asiakas",
        "phone": "0401234567",
        "legs": [{"service": service, "start": slot["start"], "channel": slot["channel"]}],
        **extra,
    }
    return client.post(f"{API}/bookings", body, content_type="application/json")


def test_services__search_in_each_language(client, demo):
    for q in ("passi", "pass", "passport"):
        codes = [s["code"] for s in client.get(f"{API}/services", {"q": q}).json()]
        assert "passport" in codes, q


def test_availability__in_person_only_service__never_remote(client, demo):
    slots = client.get(f"{API}/availability", {"service": "passport", "limit": 50}).json()
    assert slots and {s["channel"] for s in slots} == {"in_person"}
    assert {s["site"] for s in slots} <= {"pori", "rauma"}


def test_availability__remote_service__offered_at_library_and_bus(client, demo):
    slots = client.get(f"{API}/availability", {"service": "benefit-advice", "limit": 50}).json()
    sites = {s["site"] for s in slots}
    assert {"kankaanpaa", "satakunta-bus"} <= sites
    bus = [s for s in slots if s["site"] == "satakunta-bus"]
    assert all(s["bus_stop"] for s in bus) and all(s["channel"] == "remote" for s in bus)


def test_booking__create_read_ics_cancel(client, demo):
    slot = first_slot(client, site="pori")
    resp = book(client, slot)
    assert resp.status_code == 201, resp.content
    visit = resp.json()
    token, [b] = visit["token"], visit["bookings"]
    assert b["state"] == "booked" and b["start"].startswith(slot["start"][:16])
    assert Reservation.objects.filter(booking__code=b["code"]).count() == 2  # official + space
    assert client.get(f"{API}/bookings/{token}").json()["bookings"][0]["code"] == b["code"]
    ics = client.get(f"{API}/bookings/{token}/calendar.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    resp = client.post(f"{API}/bookings/{token}/cancel")
    assert resp.status_code == 200 and resp.json()["bookings"][0]["state"] == "cancelled"
    assert not Reservation.objects.filter(booking__code=b["code"]).exists()
    assert client.post(f"{API}/bookings/{token}/cancel").status_code == 422


def test_booking__same_slot_until_resources_run_out__then_conflict_with_next_slots(client, demo):
    slot = first_slot(client, site="pori")
    codes = []
    for _ in range(5):
        resp = book(client, slot)
        if resp.status_code != 201:
            break
        codes.append(resp.json()["bookings"][0]["code"])
    assert resp.status_code == 409
    body = resp.json()
    assert body["detail"][0]["loc"][-1] == "start" and body["next_slots"]
    assert all(s["start"] > slot["start"] for s in body["next_slots"])
    officials = Booking.objects.filter(code__in=codes).values_list("official", flat=True)
    assert len(set(officials)) == len(codes)  # each booking got its own official


def test_booking__remote__gets_video_link(client, demo):
    slot = first_slot(client, "benefit-advice", site="kankaanpaa")
    resp = book(client, slot, "benefit-advice")
    assert resp.status_code == 201
    assert resp.json()["bookings"][0]["video_url"].startswith("http")


def test_booking__chain__three_agencies_atomic(client, demo):
    chains = client.get(
        f"{API}/chain-availability",
        {
            "services": "residence-permit,foreigner-registration,social-security-coverage",
            "site": "pori",
        },
    ).json()
    chain = chains[0]
    legs = chain["legs"]
    assert [leg["service"] for leg in legs] == [
        "residence-permit",
        "foreigner-registration",
        "social-security-coverage",
    ]
    for a, b in zip(legs, legs[1:], strict=False):
        assert a["end"] <= b["start"]
    body = {
        "site": "pori",
        "name": "Perhe",
        "email": "perhe@example.invalid",
        "legs": [
            {"service": leg["service"], "start": leg["start"], "channel": leg["channel"]}
            for leg in legs
        ],
    }
    resp = client.post(f"{API}/bookings", body, content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert len(resp.json()["bookings"]) == 3


def test_booking__chain_with_one_leg_taken__books_nothing(client, demo):
    chain = client.get(
        f"{API}/chain-availability", {"services": "passport,tax-card", "site": "pori"}
    ).json()[0]
    before = Booking.objects.count()
    legs = [
        {"service": leg["service"], "start": leg["start"], "channel": leg["channel"]}
        for leg in chain["legs"]
    ]
    legs[1]["start"] = "2026-12-31T23:45:00+00:00"  # closed: New Year's Eve night
    body = {"site": "pori", "name": "X", "phone": "040 123 4567", "legs": legs}
    assert client.post(f"{API}/bookings", body, content_type="application/json").status_code == 409
    assert Booking.objects.count() == before


def test_booking__reschedule(client, demo):
    slots = client.get(
        f"{API}/availability", {"service": "tax-card", "site": "pori", "limit": 10}
    ).json()
    visit = book(client, slots[0], "tax-card").json()
    new = slots[-1]
    resp = client.post(
        f"{API}/bookings/{visit['token']}/reschedule",
        {"code": visit["bookings"][0]["code"], "start": new["start"]},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["bookings"][0]["start"].startswith(new["start"][:16])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "no-such"}, "service"),
        ({"service": "passport", "from": "2027-01-10", "to": "2027-01-01"}, "to"),
        ({"service": "passport", "from": "2027-01-01", "to": "2027-06-01"}, "to"),
        ({"service": "passport", "group_size": 0}, "group_size"),
        ({"service": "passport", "from": "2020-01-01"}, "from"),
        ({"service": "passport", "channel": "carrier-pigeon"}, "channel"),
        ({"service": "passport", "site": "atlantis"}, "site"),
    ],
)
def test_availability__bad_input__422_names_field(client, demo, params, field):
    resp = client.get(f"{API}/availability", params)
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"][-1] == field


def test_availability__malformed_date__422(client, demo):
    resp = client.get(f"{API}/availability", {"service": "passport", "from": "tomorrow"})
    assert resp.status_code == 422


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"name": ""}, 422, "name"),
        ({"phone": "", "email": ""}, 422, "phone"),
        ({"group_size": 0}, 422, "group_size"),
        ({"site": "atlantis"}, 422, "site"),
        ({"legs": [{"service": "nope", "start": "2027-01-04T08:00:00+02:00"}]}, 422, "service"),
        ({"legs": [{"service": "passport", "start": "2020-01-06T08:00:00+02:00"}]}, 422, "start"),
        ({"legs": [{"service": "passport", "start": "2027-01-04T08:00:00"}]}, 422, "start"),
    ],
)
def test_booking__bad_input__4xx_names_field(client, demo, change, status, field):
    body = {
        "site": "pori",
        "name": "X",
        "phone": "040 123 4567",
        "legs": [{"service": "passport", "start": "2027-01-04T08:00:00+02:00"}],
    }
    body.update(change)
    resp = client.post(f"{API}/bookings", body, content_type="application/json")
    assert resp.status_code == status, resp.content
    assert resp.json()["detail"][0]["loc"][-1] == field


def test_booking__malformed_and_unknown_token(client, demo):
    assert client.get(f"{API}/bookings/abc").status_code == 400
    assert client.get(f"{API}/bookings/{'a' * 32}").status_code == 404
    assert client.post(f"{API}/bookings/{'a' * 32}/cancel").status_code == 404


def test_booking__cancel_after_start__refused(client, demo):
    slot = first_slot(client, site="pori")
    visit = book(client, slot).json()
    Booking.objects.filter(code=visit["bookings"][0]["code"]).update(
        start=timezone.now() - timedelta(minutes=5), end=timezone.now() + timedelta(minutes=10)
    )
    resp = client.post(f"{API}/bookings/{visit['token']}/cancel", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 422 and "begun" in resp.json()["detail"][0]["msg"]


def test_openapi__lists_booking_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/booking/availability",
        "/api/v1/booking/chain-availability",
        "/api/v1/booking/bookings",
        "/api/v1/booking/bookings/{token}/cancel",
        "/api/v1/booking/bookings/{token}/reschedule",
        "/api/v1/booking/bookings/{token}/calendar.ics",
    ):
        assert p in paths, p


def test_booking__state_lifecycle(client, demo):
    code = book(client, first_slot(client, site="pori")).json()["bookings"][0]["code"]
    b = Booking.objects.get(code=code)
    booking_transition(booking=b, to=BookingState.CHECKED_IN)
    assert b.checked_in_at <= datetime.now(UTC)
    with pytest.raises(BookingError) as exc:
        booking_transition(booking=b, to=BookingState.DONE)
    assert exc.value.field == "state"
    for state in (BookingState.CALLED, BookingState.IN_SERVICE, BookingState.DONE):
        booking_transition(booking=b, to=state)
    assert Booking.objects.get(code=code).state == "done"


def test_booking__back_to_back_after_the_buffer__accepted(client, demo):
    """A slot that starts right after an earlier booking's buffer can be booked (both databases)."""
    slots = client.get(
        f"{API}/availability", {"service": "tax-card", "site": "kankaanpaa", "limit": 40}
    ).json()
    first = book(client, slots[0], "tax-card")
    assert first.status_code == 201
    after = client.get(
        f"{API}/availability",
        {"service": "tax-card", "site": "kankaanpaa", "channel": "remote", "limit": 5},
    ).json()
    nxt = after[0]
    resp = book(client, nxt, "tax-card")
    assert resp.status_code == 201, resp.content


def test_reserve__adjacent_after_buffer__not_refused_twice(demo):
    """The check before insert (SQLite) counts the buffer once, like the PostgreSQL constraint."""
    official = StaffProfile.objects.get(user__username="kela.pori1")
    space = Space.objects.filter(site=demo["pori"], space_type="screened_booth").first()
    visit = Visit(name="X", phone="1")
    visit.issue_token()
    visit.save()
    start = (timezone.now() + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    service = Service.objects.get(code="tax-card")

    def booking(at, minutes):
        b = Booking.objects.create(
            visit=visit,
            service=service,
            site=demo["pori"],
            channel="in_person",
            start=at,
            end=at + timedelta(minutes=minutes),
        )
        _reserve(
            b,
            Slot(
                demo["pori"].pk,
                "in_person",
                at,
                at + timedelta(minutes=minutes),
                official.resource_id,
                space.resource_id,
                None,
            ),
        )

    booking(start, 40)  # held until 40 + 5 (buffer) minutes
    booking(start + timedelta(minutes=45), 15)  # starts exactly when the first one's buffer ends
    assert Reservation.objects.filter(booking__visit=visit).count() == 4
