"""Each bad input gets its own error, on the field it concerns."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from luukku.registry.models import (
    Agency,
    BusStop,
    Interpreter,
    OpeningException,
    OpeningPeriod,
    Role,
    Schedule,
    Service,
    Site,
    Space,
    StaffProfile,
)

pytestmark = pytest.mark.django_db


def errors_of(obj, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean(**kwargs)
    return exc.value.message_dict


def test_opening_period__end_before_start__names_closes():
    sched = Schedule.objects.create(name="x")
    assert "closes" in errors_of(
        OpeningPeriod(schedule=sched, weekday=0, opens=time(16), closes=time(8))
    )


def test_opening_period__overlapping__names_opens():
    sched = Schedule.objects.create(name="x")
    OpeningPeriod.objects.create(schedule=sched, weekday=0, opens=time(8), closes=time(12))
    errs = errors_of(OpeningPeriod(schedule=sched, weekday=0, opens=time(11), closes=time(14)))
    assert "overlaps" in errs["opens"][0]
    OpeningPeriod(
        schedule=sched, weekday=1, opens=time(11), closes=time(14)
    ).full_clean()  # other day is fine
    OpeningPeriod(
        schedule=sched, weekday=0, opens=time(12), closes=time(14)
    ).full_clean()  # touching is fine


def test_opening_exception__open_without_times__named(demo):
    assert "opens" in errors_of(
        OpeningException(site=demo["pori"], date=date(2026, 12, 1), closed=False)
    )
    errs = errors_of(
        OpeningException(
            site=demo["pori"], date=date(2026, 12, 1), closed=False, opens=time(12), closes=time(9)
        )
    )
    assert "closes" in errs


def test_space__capacity_below_one__names_capacity(demo):
    errs = errors_of(
        Space(
            site=demo["pori"], name="x", customer_label="x", space_type="screened_booth", capacity=0
        )
    )
    assert "capacity" in errs


def test_space__internal_zone_at_s_point__names_zone(demo):
    space = Space(
        site=demo["kankaanpaa"],
        name="x",
        customer_label="x",
        space_type="back_office",
        zone="internal",
        capacity=2,
    )
    assert "no internal zone" in errors_of(space)["zone"][0]


def test_space__remote_room_without_video__names_equipment(demo):
    space = Space(
        site=demo["pori"],
        name="x",
        customer_label="x",
        space_type="remote_service_room",
        capacity=2,
    )
    with pytest.raises(ValidationError) as exc:
        space.clean_equipment({"printer_scanner"})
    assert "equipment" in exc.value.message_dict
    space.clean_equipment({"video"})


@pytest.mark.parametrize("label", ["Turvahuone", "Safe room", "Säkert rum 2"])
def test_space__safe_room_label_reveals_it__names_label(demo, label):
    space = Space(
        site=demo["pori"], name="Turva", customer_label=label, space_type="safe_room", capacity=2
    )
    assert "customer_label" in errors_of(space)


def test_space__safe_room_in_demo__looks_like_any_room(demo):
    safe = Space.objects.get(site=demo["pori"], space_type="safe_room")
    other = Space.objects.filter(site=demo["pori"], space_type="service_room").first()
    assert safe.customer_label_fi.split()[0] == other.customer_label_fi.split()[0] == "Huone"


def test_staff__official_without_agency__names_agency(django_user_model):
    user = django_user_model.objects.create(username="o")
    assert "agency" in errors_of(
        StaffProfile(user=user, role=Role.OFFICIAL, languages=["fi"]), exclude=["resource"]
    )


def test_staff__bad_languages__named(django_user_model):
    user = django_user_model.objects.create(username="o")
    errs = errors_of(
        StaffProfile(user=user, role=Role.ADVISOR, languages="finnish"), exclude=["resource"]
    )
    assert "languages" in errs


def test_interpreter__no_language__named():
    assert "languages" in errors_of(Interpreter(name="x", languages=[]), exclude=["resource"])


def test_agency__persona_mix_not_100__named():
    assert "persona_e" in errors_of(Agency(code="X", name="x", persona_a=50, persona_b=20))


def test_service__no_channel_and_bad_space_type__named():
    agency = Agency.objects.get(code="KELA")
    errs = errors_of(
        Service(
            agency=agency, code="x", name="x", in_person=False, remote=False, space_types=["hall"]
        )
    )
    assert {"remote", "space_types"} <= errs.keys()


def test_site__s_point_without_host__named():
    assert "host_organisation" in errors_of(Site(name="x", slug="x", municipality="x", size="S"))


def test_site__bus_without_weekdays_and_route_ending_before_start__named():
    site = Site(
        name="x",
        slug="x",
        municipality="x",
        size="XS",
        route_weekdays=[],
        route_valid_from=date(2027, 1, 1),
        route_valid_until=date(2026, 1, 1),
    )
    assert {"route_weekdays", "route_valid_until"} <= errors_of(site).keys()


def test_bus_stop__outside_route_days__named(demo):
    bus = demo["satakunta-bus"]  # runs Tue–Thu
    errs = errors_of(
        BusStop(site=bus, place="x", address="x", weekday=0, arrives=time(9), departs=time(10))
    )
    assert "weekday" in errs
    errs = errors_of(
        BusStop(
            site=bus,
            place="x",
            address="x",
            date=date(2026, 12, 5),
            arrives=time(9),
            departs=time(10),
        )
    )
    assert "date" in errs  # a Saturday


def test_bus_stop__departs_before_arrives_and_clash__named(demo):
    bus = demo["satakunta-bus"]
    assert "departs" in errors_of(
        BusStop(site=bus, place="x", address="x", weekday=1, arrives=time(10), departs=time(9))
    )
    clash = BusStop(site=bus, place="x", address="x", weekday=1, arrives=time(10), departs=time(13))
    assert "another stop" in errors_of(clash)["arrives"][0]


def test_bus_stop__both_date_and_weekday__named(demo):
    errs = errors_of(
        BusStop(
            site=demo["satakunta-bus"],
            place="x",
            address="x",
            weekday=1,
            date=date(2026, 12, 1),
            arrives=time(16, 30),
            departs=time(17),
        )
    )
    assert "weekday" in errs


def test_bus_stop__successor_from_the_next_day__does_not_clash(demo):
    bus = demo["satakunta-bus"]
    ulvila = BusStop.objects.get(site=bus, place="K-Supermarket Ulvila")
    ulvila.valid_until = date(2026, 12, 6)
    ulvila.save()
    successor = BusStop(
        site=bus, place=ulvila.place, address=ulvila.address, weekday=1,
        arrives=time(9), departs=time(12), valid_from=date(2026, 12, 7),
    )  # fmt: skip
    successor.full_clean()
    successor.valid_from = date(2026, 12, 6)  # a day together with the old one
    assert "another stop" in errors_of(successor)["arrives"][0]


def test_bus_stop__ends_before_it_begins__named(demo):
    stop = BusStop(
        site=demo["satakunta-bus"], place="x", address="x", weekday=1, arrives=time(16),
        departs=time(17), valid_from=date(2027, 1, 5), valid_until=date(2027, 1, 4),
    )  # fmt: skip
    assert "valid_until" in errors_of(stop)
