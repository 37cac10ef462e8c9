"""HTTP API of shared booking: search, availability, chains, book, read, cancel, reschedule, .ics.

Bad input is answered with 4xx and a body that names the field, in the same shape
as Django Ninja's own validation errors: ``{"detail": [{"loc": [...], "msg": ...}]}``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import field_validator

from luukku.booking.ics import booking_ics
from luukku.booking.models import Booking, Channel, Visit
from luukku.booking.selectors import (
    HELSINKI,
    SearchFilters,
    availability,
    bus_stop_at,
    chain_availability,
    day_bounds,
)
from luukku.booking.services import (
    BookingConflict,
    BookingError,
    Customer,
    Leg,
    booking_reschedule,
    manage_url,
    visit_book,
    visit_by_token,
    visit_cancel,
)
from luukku.core.contact import EMAIL_MAX, NAME_MAX, PHONE_INPUT_MAX, InvalidPhone, phone_e164
from luukku.core.scheduling import Slot
from luukku.registry.models import Service, Site
from luukku.registry.snapshot import RegistrySnapshot, registry_snapshot

router = Router(tags=["booking"])

MAX_RANGE_DAYS = 90
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
#: The longest text a query or body field takes where the column has no natural length.
TEXT_MAX = 200


class ApiError(Exception):
    """An answer for bad input: status, the field at fault, a message for people."""

    def __init__(self, status: int, loc: list[str], msg: str, extra: dict | None = None):
        super().__init__(msg)
        self.status, self.loc, self.msg, self.extra = status, loc, msg, extra or {}


def error_response(api, request, exc: ApiError):
    body = {"detail": [{"loc": exc.loc, "msg": exc.msg, "type": "value_error"}], **exc.extra}
    return api.create_response(request, body, status=exc.status)


# -- schemas -----------------------------------------------------------------


class ServiceOut(Schema):
    code: str
    name: str
    agency: str
    agency_name: str
    duration_minutes: int
    channels: list[str]
    in_person_only: bool
    bookable: bool
    walk_in: bool


class SlotOut(Schema):
    site: str
    site_name: str
    channel: str
    start: datetime
    end: datetime
    local_time: str = Field(description="Start in Europe/Helsinki, e.g. 2026-11-30 09:15")
    bus_stop: str | None = None


class ChainOut(Schema):
    site: str
    site_name: str
    start: datetime
    end: datetime
    legs: list[dict]


class AvailabilityQuery(Schema):
    service: str = Field(description="Service code, e.g. passport", max_length=60)
    from_date: date | None = Field(
        None, alias="from", description="First day (local), default today"
    )
    to_date: date | None = Field(
        None, alias="to", description="Last day (local), at most 90 days after the first"
    )
    site: list[str] = Field(default_factory=list, description="Site slugs; empty means all")
    municipality: str = Field("", max_length=TEXT_MAX)
    channel: str = Field("", description="in_person or remote; empty means both", max_length=20)
    language: str = Field(
        "",
        description="Customer's language (ISO 639-1) when an interpreter may be needed",
        max_length=8,
    )
    group_size: int = Field(1, ge=1, le=12)
    accessible: bool = False
    limit: int = Field(20, ge=1, le=100)


class ChainQueryIn(Schema):
    services: str = Field(
        description="Comma-separated service codes in the order they are served",
        max_length=TEXT_MAX,
    )
    from_date: date | None = Field(None, alias="from")
    to_date: date | None = Field(None, alias="to")
    site: list[str] = Field(default_factory=list)
    municipality: str = Field("", max_length=TEXT_MAX)
    language: str = Field("", max_length=8)
    group_size: int = Field(1, ge=1, le=12)
    accessible: bool = False


def phone_field(value: str) -> str:
    """A phone number in E.164; one without a country code is Finnish (040 123 4567)."""
    try:
        return phone_e164(value)
    except InvalidPhone:
        raise ValueError(_("Type a phone number, e.g. 040 123 4567.")) from None


def email_field(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("Type an e-mail address, e.g. name@example.fi.")) from None
    return value


class ContactIn(Schema):
    """A name and a way to reach the customer, with the limits of the columns."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    phone: str = Field(
        "",
        max_length=PHONE_INPUT_MAX,
        description="Stored in E.164; without a country code, Finnish",
    )
    email: str = Field("", max_length=EMAIL_MAX)

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str) -> str:
        return phone_field(value)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        return email_field(value)


class CustomerIn(ContactIn):
    language: str = Field("fi", max_length=8)
    interpreter_language: str = Field("", max_length=8)
    group_size: int = Field(1, ge=1, le=12)
    needs_accessible: bool = False


class LegIn(Schema):
    service: str = Field(max_length=60)
    start: datetime
    channel: str = Field("", max_length=20)


class BookingIn(CustomerIn):
    site: str = Field(max_length=60)
    legs: list[LegIn] = Field(
        description="One leg for a single booking, several for a chained visit",
        min_length=1,
        max_length=5,
    )


class BookingOut(Schema):
    code: str
    service: str
    service_name: str
    site: str
    channel: str
    start: datetime
    end: datetime
    local_time: str
    state: str
    place: str = Field(
        description="Where to go: the room's customer label (given on arrival for walk-ins)"
    )
    video_url: str = ""
    bus_stop: str | None = None


class VisitOut(Schema):
    token: str | None = Field(
        None, description="Secret for the manage link; returned only when the visit is created"
    )
    manage_url: str | None = None
    calendar_url: str | None = None
    code: str = Field(
        description="The visit's one code: the customer checks in every booking with it"
    )
    name: str
    bookings: list[BookingOut]


class RescheduleIn(Schema):
    code: str = Field(
        description="Code of the booking to move (a chain visit's bookings each have one)",
        max_length=12,
    )
    start: datetime


class ErrorOut(Schema):
    detail: list[dict]


class ConflictOut(ErrorOut):
    next_slots: list[SlotOut]


# -- helpers -----------------------------------------------------------------


def _local(dt: datetime) -> str:
    return dt.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M")


def _service(code: str, loc: str = "service") -> Service:
    service = Service.objects.select_related("agency").filter(code=code).first()
    if service is None:
        raise ApiError(422, ["query", loc], _("Unknown service “%(code)s”.") % {"code": code})
    return service


def _range(from_date: date | None, to_date: date | None) -> tuple[datetime, datetime]:
    """The search period: from today at the earliest to the booking horizon at the latest."""
    today = timezone.localdate(timezone=HELSINKI)
    horizon_days = settings.LUUKKU_BOOKING_HORIZON_DAYS
    last_day = today + timedelta(days=horizon_days)
    start = from_date or today
    beyond = _("Times can be booked at most %(n)s days ahead.") % {"n": horizon_days}
    if start > last_day:  # also keeps the date arithmetic below far from year 9999
        raise ApiError(422, ["query", "from"], beyond)
    if to_date is not None and to_date > last_day:
        raise ApiError(422, ["query", "to"], beyond)
    end = to_date or min(start + timedelta(days=27), last_day)
    if start < today:
        raise ApiError(422, ["query", "from"], _("The first day is in the past."))
    if end < start:
        raise ApiError(422, ["query", "to"], _("The last day is before the first day."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise ApiError(
            422, ["query", "to"], _("Search at most %(n)s days at a time.") % {"n": MAX_RANGE_DAYS}
        )
    not_before = max(timezone.now(), day_bounds(start)[0])
    return not_before, day_bounds(end)[1]


def _filters(q) -> SearchFilters:
    if q.group_size < 1 or q.group_size > 12:
        raise ApiError(422, ["query", "group_size"], _("The group size must be between 1 and 12."))
    channel = getattr(q, "channel", "")
    if channel and channel not in Channel.values:
        raise ApiError(422, ["query", "channel"], _("Channel must be in_person or remote."))
    if q.site:
        known = set(Site.objects.filter(slug__in=q.site).values_list("slug", flat=True))
        unknown = [s for s in q.site if s not in known]
        if unknown:
            raise ApiError(
                422,
                ["query", "site"],
                _("Unknown service point “%(slug)s”.") % {"slug": unknown[0]},
            )
    return SearchFilters(
        sites=tuple(q.site),
        municipality=q.municipality,
        channel=channel,
        language=q.language,
        group_size=q.group_size,
        accessible=q.accessible,
    )


def bus_stop_place(snap: RegistrySnapshot, slot: Slot) -> str | None:
    """Where the bus stands at the slot's start (the same rule a booking records)."""
    site = snap.sites[slot.site_id]
    stop = bus_stop_at(snap, site, slot.start) if site.is_bus else None
    return stop.place if stop else None


def _slot_out(slot: Slot, sites: dict[int, Site], snap: RegistrySnapshot) -> SlotOut:
    site = sites[slot.site_id]
    return SlotOut(
        site=site.slug,
        site_name=site.name,
        channel=str(slot.channel),
        start=slot.start,
        end=slot.end,
        local_time=_local(slot.start),
        bus_stop=bus_stop_place(snap, slot),
    )


def _sites(ids) -> dict[int, Site]:
    return {s.pk: s for s in Site.objects.filter(pk__in=set(ids))}


def _visit_out(visit: Visit, token: str | None = None) -> VisitOut:
    bookings = visit.bookings.select_related("service", "site", "space", "bus_stop").order_by(
        "position", "start"
    )
    return VisitOut(
        token=token,
        manage_url=manage_url(token) if token else None,
        calendar_url=reverse("api:booking_calendar", kwargs={"token": token}) if token else None,
        code=visit.code,
        name=visit.name,
        bookings=[
            BookingOut(
                code=b.code,
                service=b.service.code,
                service_name=b.service.name,
                site=b.site.slug,
                channel=b.channel,
                start=b.start,
                end=b.end,
                local_time=_local(b.start),
                state=b.state,
                place=b.space.customer_label if b.space else "",
                video_url=b.video_url,
                bus_stop=b.bus_stop.place if b.bus_stop else None,
            )
            for b in bookings
        ],
    )


def _visit_for(token: str) -> Visit:
    if not TOKEN_RE.match(token):
        raise ApiError(
            400,
            ["path", "token"],
            _("The booking link is malformed; check that it was copied whole."),
        )
    visit = visit_by_token(token)
    if visit is None:
        raise ApiError(404, ["path", "token"], _("No booking was found with this link."))
    return visit


def _booking_error(exc: BookingError, loc_prefix: str = "body") -> ApiError:
    if isinstance(exc, BookingConflict):
        slots = exc.next_slots
        sites = _sites(s.site_id for s in slots)
        snap = registry_snapshot()
        return ApiError(
            409,
            [loc_prefix, exc.field],
            exc.message,
            {"next_slots": [_slot_out(s, sites, snap).dict() for s in slots]},
        )
    if exc.field == "idempotency_key":
        return ApiError(422, ["header", "Idempotency-Key"], exc.message)
    return ApiError(422, [loc_prefix, exc.field], exc.message)


# -- endpoints ---------------------------------------------------------------


@router.get("/services", response=list[ServiceOut], summary="Search services of all agencies")
def services_search(
    request: HttpRequest,
    q: str = Query("", max_length=TEXT_MAX),
    agency: str = Query("", max_length=12),
):
    """Find services by name or keyword in Finnish, Swedish or English."""
    qs = Service.objects.select_related("agency").order_by("agency__code", "code")
    if agency:
        qs = qs.filter(agency__code__iexact=agency)
    for word in q.split():
        cond = Q(code__icontains=word)
        for lang in ("fi", "sv", "en"):
            cond |= Q(**{f"name_{lang}__icontains": word}) | Q(
                **{f"keywords_{lang}__icontains": word}
            )
        qs = qs.filter(cond)
    return [
        ServiceOut(
            code=s.code,
            name=s.name,
            agency=s.agency.code,
            agency_name=s.agency.name,
            duration_minutes=s.default_duration,
            channels=s.channels,
            in_person_only=s.in_person_only,
            bookable=s.bookable,
            walk_in=s.walk_in,
        )
        for s in qs
    ]


@router.get(
    "/availability",
    response={200: list[SlotOut], 422: ErrorOut},
    summary="Earliest free times of one service",
)
def availability_get(request: HttpRequest, q: Query[AvailabilityQuery]):
    service = _service(q.service)
    not_before, not_after = _range(q.from_date, q.to_date)
    filters = _filters(q)
    if not 1 <= q.limit <= 100:
        raise ApiError(422, ["query", "limit"], _("The limit must be between 1 and 100."))
    snap = registry_snapshot()
    slots = availability(service.pk, not_before, not_after, filters, limit=q.limit, snap=snap)
    sites = _sites(s.site_id for s in slots)
    return [_slot_out(s, sites, snap) for s in slots]


@router.get(
    "/chain-availability",
    response={200: list[ChainOut], 422: ErrorOut},
    summary="Earliest visits that serve several agencies one after another",
)
def chain_availability_get(request: HttpRequest, q: Query[ChainQueryIn]):
    codes = [c.strip() for c in q.services.split(",") if c.strip()]
    if not 2 <= len(codes) <= 5:
        raise ApiError(
            422, ["query", "services"], _("Give two to five services for a chained visit.")
        )
    services = [_service(c, "services") for c in codes]
    not_before, not_after = _range(q.from_date, q.to_date)
    chains = chain_availability([s.pk for s in services], not_before, not_after, _filters(q))
    sites = _sites(c.site_id for c in chains)
    return [
        ChainOut(
            site=sites[c.site_id].slug,
            site_name=sites[c.site_id].name,
            start=c.start,
            end=c.end,
            legs=[
                {
                    "service": svc.code,
                    "channel": str(s.channel),
                    "start": s.start,
                    "end": s.end,
                    "local_time": _local(s.start),
                }
                for svc, s in zip(services, c.slots, strict=True)
            ],
        )
        for c in chains
    ]


@router.post(
    "/bookings",
    response={201: VisitOut, 409: ConflictOut, 422: ErrorOut},
    summary="Book one service, or a chain of several at one site (all or none)",
)
def booking_create(
    request: HttpRequest,
    data: BookingIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="A fresh random key per booking (e.g. a UUID); a retry with the same key "
        "and request returns the booking the first request made, not a second one",
    ),
):
    site = Site.objects.filter(slug=data.site).first()
    if site is None:
        raise ApiError(
            422, ["body", "site"], _("Unknown service point “%(slug)s”.") % {"slug": data.site}
        )
    if not data.legs:
        raise ApiError(422, ["body", "legs"], _("Choose at least one service."))
    legs = []
    for i, leg in enumerate(data.legs):
        if leg.start.tzinfo is None:
            raise ApiError(
                422, ["body", "legs", str(i), "start"], _("Give the time with its UTC offset.")
            )
        if leg.channel and leg.channel not in Channel.values:
            raise ApiError(
                422, ["body", "legs", str(i), "channel"], _("Channel must be in_person or remote.")
            )
        svc = Service.objects.select_related("agency").filter(code=leg.service).first()
        if svc is None:
            raise ApiError(
                422,
                ["body", "legs", str(i), "service"],
                _("Unknown service “%(code)s”.") % {"code": leg.service},
            )
        legs.append(Leg(service=svc, start=leg.start, channel=leg.channel))
    customer = Customer(
        name=data.name,
        phone=data.phone,
        email=data.email,
        language=data.language if data.language in ("fi", "sv", "en") else (get_language() or "fi"),
        interpreter_language=data.interpreter_language,
        group_size=data.group_size,
        needs_accessible=data.needs_accessible,
    )
    try:
        visit, _bookings, token = visit_book(
            site=site, legs=legs, customer=customer, idempotency_key=idempotency_key or ""
        )
    except BookingError as exc:
        raise _booking_error(exc) from None
    return Status(201, _visit_out(visit, token))


@router.get(
    "/bookings/{token}",
    response={200: VisitOut, 400: ErrorOut, 404: ErrorOut},
    summary="Read a booking",
)
def booking_read(request: HttpRequest, token: str):
    return _visit_out(_visit_for(token))


@router.post(
    "/bookings/{token}/cancel",
    response={200: VisitOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Cancel the whole visit",
)
def booking_cancel(request: HttpRequest, token: str):
    visit = _visit_for(token)
    try:
        visit_cancel(visit=visit)
    except BookingError as exc:
        raise _booking_error(exc, "path") from None
    return _visit_out(visit)


@router.post(
    "/bookings/{token}/reschedule",
    response={200: VisitOut, 400: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut},
    summary="Move one booking of the visit to another free time",
)
def booking_reschedule_post(request: HttpRequest, token: str, data: RescheduleIn):
    visit = _visit_for(token)
    booking = Booking.objects.filter(visit=visit, code=data.code.strip().upper()).first()
    if booking is None:
        raise ApiError(422, ["body", "code"], _("This visit has no booking with that code."))
    if data.start.tzinfo is None:
        raise ApiError(422, ["body", "start"], _("Give the time with its UTC offset."))
    try:
        booking_reschedule(booking=booking, start=data.start, token=token)
    except BookingError as exc:
        raise _booking_error(exc) from None
    return _visit_out(visit)


@router.get(
    "/bookings/{token}/calendar.ics",
    response={400: ErrorOut, 404: ErrorOut},
    url_name="booking_calendar",
    summary="The visit as a calendar file",
)
def booking_calendar(request: HttpRequest, token: str):
    visit = _visit_for(token)
    bookings = list(
        visit.bookings.select_related("service", "site", "space", "bus_stop").order_by("position")
    )
    body = booking_ics(bookings, language=visit.language, manage_url=manage_url(token))
    resp = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="luukku-{visit.code}.ics"'
    return resp
