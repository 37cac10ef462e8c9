"""The follow-up visit: the next suitable times at any point, the one chosen booked."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from luukku.booking.models import Booking, Channel
from luukku.booking.services import Customer
from luukku.queueing.services import (
    FollowUpNeeds,
    QueueError,
    follow_up_needs,
    ticket_call_next,
    ticket_create,
    ticket_follow_up,
    ticket_follow_up_times,
)

from .helpers import official, serve, service

pytestmark = pytest.mark.django_db
API = "/api/v1/queueing"
SERVICE = "housing-allowance"  # bookable, on site in Pori and Rauma, and by video


def called(demo, username="kela.pori1"):
    me, scope = serve(username, SERVICE)
    ticket_create(site=demo["pori"], service=service(SERVICE))
    return me, ticket_call_next(official=me, scope=scope).ticket


def test_follow_up_times__any_point_and_by_video(demo):
    me, t = called(demo)
    slots = ticket_follow_up_times(
        ticket=t, official=me, service_code=SERVICE, needs=FollowUpNeeds()
    )
    assert slots and slots == sorted(slots, key=lambda s: (s.start, s.site_id, s.channel))
    assert len({s.site_id for s in slots}) > 1  # not only the customer's own point
    assert {Channel.IN_PERSON, Channel.REMOTE} <= {s.channel for s in slots}
    only_video = ticket_follow_up_times(
        ticket=t, official=me, service_code=SERVICE, needs=FollowUpNeeds(), channel="remote"
    )
    assert only_video and {s.channel for s in only_video} == {Channel.REMOTE}


def test_follow_up__books_the_chosen_time_not_the_first(demo):
    me, t = called(demo)
    needs = FollowUpNeeds(interpreter_language="", needs_accessible=True)
    slots = ticket_follow_up_times(ticket=t, official=me, service_code=SERVICE, needs=needs)
    chosen = slots[-1]
    booking = ticket_follow_up(
        ticket=t,
        official=me,
        service_code=SERVICE,
        customer=Customer(name="Maija Asiakas", phone="040 123 4567"),
        site=demo_site(chosen.site_id),
        start=chosen.start,
        channel=chosen.channel,
        needs=needs,
    )
    assert (booking.site_id, booking.start, booking.channel) == (
        chosen.site_id,
        chosen.start,
        chosen.channel,
    )
    assert booking.visit.needs_accessible is True


def demo_site(site_id):
    from luukku.registry.models import Site

    return Site.objects.get(pk=site_id)


def test_follow_up__needs_of_the_booking_are_carried(demo):
    me, t = called(demo)
    from luukku.booking.models import Visit

    visit = Visit.objects.create(
        name="x", token_hash="f" * 64, interpreter_language="ar", needs_accessible=True
    )
    b = Booking.objects.create(
        visit=visit,
        service=service(SERVICE),
        site=demo["pori"],
        channel=Channel.IN_PERSON,
        start=timezone.now(),
        end=timezone.now(),
    )
    t.booking = b
    t.save(update_fields=["booking"])
    t.refresh_from_db()
    assert follow_up_needs(t) == FollowUpNeeds("ar", 1, True)
    assert follow_up_needs(t, interpreter_language="", needs_accessible=False) == FollowUpNeeds()


def test_follow_up__time_taken_meanwhile__409_naming_start(demo):
    me, t = called(demo)
    [first, *_] = ticket_follow_up_times(
        ticket=t, official=me, service_code=SERVICE, needs=FollowUpNeeds(), channel="in_person"
    )

    def book():
        return ticket_follow_up(
            ticket=t,
            official=me,
            service_code=SERVICE,
            customer=Customer(name="Maija Asiakas", phone="040 123 4567"),
            site=demo_site(first.site_id),
            start=first.start,
            channel=first.channel,
            needs=FollowUpNeeds(),
        )

    # Book every resource of that moment, then try once more.
    for _ in range(50):
        try:
            book()
        except QueueError as exc:
            assert exc.field == "start" and exc.status == 409
            break
    else:
        pytest.fail("the time never filled up")


def test_follow_up__only_for_the_official_holding_the_customer(demo):
    _me, t = called(demo)
    other = official("kela.pori2")
    with pytest.raises(QueueError) as exc:
        ticket_follow_up_times(
            ticket=t, official=other, service_code=SERVICE, needs=FollowUpNeeds()
        )
    assert exc.value.status == 403


def test_follow_up_page__lists_times_then_books_the_chosen_one(client, demo):
    client.cookies["django_language"] = "en"
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    client.post("/desk/session/", {"services": [SERVICE], "mode": "on_site", "site": "pori"})
    t = ticket_create(site=demo["pori"], service=service(SERVICE))
    client.post("/desk/call-next/", HTTP_HX_REQUEST="true")
    r = client.post(
        f"/desk/tickets/{t.pk}/follow-up-times/",
        {"service": SERVICE, "after_days": "2", "needs_shown": "1"},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert r.status_code == 200 and 'id="follow-up-times"' in html
    assert "Suomi-piste Rauma" in html and "(by video)" in html
    values = [v.split('"')[0] for v in html.split('name="slot" value="')[1:]]
    chosen = values[2]
    r = client.post(
        f"/desk/tickets/{t.pk}/follow-up/",
        {"service": SERVICE, "slot": chosen, "name": "Maija Asiakas", "phone": "0401234567"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "booking code" in r.content.decode()
    b = Booking.objects.get(visit__phone="+358401234567")
    assert f"{b.site.slug}|{b.start.isoformat()}|{b.channel}" == chosen
    # A refused booking (no name) keeps the times on the panel.
    r = client.post(
        f"/desk/tickets/{t.pk}/follow-up/",
        {"service": SERVICE, "slot": values[0], "name": ""},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 400 and 'id="follow-up-times"' in r.content.decode()
    r = client.post(
        f"/desk/tickets/{t.pk}/follow-up/",
        {"service": SERVICE, "slot": "nowhere|x|y", "name": "M"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 400 and "Choose one of the times shown." in r.content.decode()


def test_follow_up_api__times_then_the_chosen_one(client, demo):
    client.force_login(get_user_model().objects.get(username="kela.pori1"))
    client.post(f"{API}/desk/session", {"services": [SERVICE], "site": "pori"}, "application/json")
    t = ticket_create(site=demo["pori"], service=service(SERVICE))
    client.post(f"{API}/desk/call-next")
    times = client.get(
        f"{API}/desk/tickets/{t.pk}/follow-up/times", {"service": SERVICE, "channel": "remote"}
    ).json()
    assert times and {x["channel"] for x in times} == {"remote"}
    chosen = times[1]
    r = client.post(
        f"{API}/desk/tickets/{t.pk}/follow-up",
        {
            "service": SERVICE,
            "site": chosen["site"],
            "start": chosen["start"],
            "channel": chosen["channel"],
            "name": "Maija Asiakas",
            "phone": "0401234567",
        },
        "application/json",
    )
    assert r.status_code == 201, r.content
    assert (r.json()["site"], r.json()["channel"]) == (chosen["site"], "remote")
    r = client.get(f"{API}/desk/tickets/{t.pk}/follow-up/times", {"service": "nope"})
    assert r.status_code == 400 and r.json()["detail"][0]["loc"] == ["query", "service"]
