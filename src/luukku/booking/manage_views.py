"""The customer's own pages of a visit, reached by the secret link: see, cancel, move.

A visit has one code however many services it chains. The customer may cancel or
move one service of it, or the whole visit at once; a move offers any day and any
point that serves the service, like a new search.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luukku.booking.api import _sites, bus_stop_place
from luukku.booking.forms import last_bookable_day, today
from luukku.booking.models import Booking, BookingState, Visit
from luukku.booking.selectors import SearchFilters, availability, chain_availability, day_bounds
from luukku.booking.services import (
    BookingConflict,
    BookingError,
    Leg,
    booking_cancel,
    bookings_move,
    visit_cancel,
)
from luukku.booking.views import (
    SEARCH_DAYS,
    _not_found,
    _parse_legs,
    _visit_or_none,
    visit_context,
)
from luukku.registry.models import Service, Site
from luukku.registry.snapshot import registry_snapshot


def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's own page of a visit."""
    visit = _visit_or_none(token)
    if visit is None:
        return _not_found(request)
    ctx = visit_context(visit, token)
    active = ctx["active"]
    ctx["can_cancel"] = bool(active) and all(b.changeable for b in active)
    ctx["can_move_all"] = len(active) > 1 and ctx["can_cancel"]
    ctx["begun"] = any(not b.changeable for b in active)
    return render(request, "booking/manage.html", ctx)


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Ask once more (GET), then cancel the whole visit (POST)."""
    visit = _visit_or_none(token)
    if visit is None:
        return _not_found(request)
    if request.method == "POST":
        try:
            visit_cancel(visit=visit)
        except BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your booking has been cancelled."))
        return redirect("booking:manage", token=token)
    return render(request, "booking/manage_cancel.html", visit_context(visit, token))


def _leg(visit: Visit, code: str) -> Booking | None:
    return (
        Booking.objects.select_related("service__agency", "site", "visit")
        .filter(visit=visit, code=code.upper()[:12])
        .first()
    )


@require_http_methods(["GET", "POST"])
def manage_cancel_leg(request: HttpRequest, token: str, code: str) -> HttpResponse:
    """Cancel one service of a chain visit; the others stay booked."""
    visit = _visit_or_none(token)
    booking = _leg(visit, code) if visit else None
    if booking is None:
        return _not_found(request)
    if request.method == "POST":
        try:
            booking_cancel(booking=booking)
        except BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(service)s has been cancelled.") % {"service": booking.service.name}
            )
        return redirect("booking:manage", token=token)
    ctx = visit_context(visit, token) | {"booking": booking}
    ctx["bookings"] = [booking]
    return render(request, "booking/manage_cancel.html", ctx)


def _serving_sites(services: list[Service]) -> list[Site]:
    """The points where every one of ``services``'s agencies serves (on site or by video)."""
    sites = Site.objects.all()
    for agency_id in {s.agency_id for s in services}:
        sites = sites.filter(Q(agencies_on_site=agency_id) | Q(agencies_remote=agency_id))
    return list(sites.distinct().order_by("name"))


def _search_window(request: HttpRequest, sites: list[Site], current: Site) -> dict:
    """The day and point the customer asked for (default: from today, the current point)."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today()
    day = min(max(day, today()), last_bookable_day())
    slug = request.GET.get("site", current.slug)
    site = next((s for s in sites if s.slug == slug), None)
    last = min(day + timedelta(days=SEARCH_DAYS - 1), last_bookable_day())
    return {
        "day": day,
        "site": site,
        "sites": sites,
        "not_before": max(timezone.now(), day_bounds(day)[0]),
        "not_after": day_bounds(last)[1],
        "max_day": last_bookable_day(),
    }


def _filters(visit: Visit, site: Site | None) -> SearchFilters:
    return SearchFilters(
        sites=(site.slug,) if site else (),
        language=visit.interpreter_language,
        group_size=visit.group_size,
        accessible=visit.needs_accessible,
    )


def _aware(raw: str) -> datetime | None:
    try:
        start = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


@require_http_methods(["GET", "POST"])
def manage_reschedule(request: HttpRequest, token: str, code: str) -> HttpResponse:
    """Move one service: free times on any day from the one asked, at any suitable point."""
    visit = _visit_or_none(token)
    booking = _leg(visit, code) if visit else None
    if booking is None:
        return _not_found(request)
    ctx = visit_context(visit, token) | {"booking": booking}
    if booking.state != BookingState.BOOKED or booking.start <= timezone.now():
        ctx["begun"] = True
        return render(request, "booking/manage_reschedule.html", ctx)
    if request.method == "POST":
        start = _aware(request.POST.get("start", ""))
        # Without a point or channel the move stays where and how the booking is.
        site = Site.objects.filter(slug=request.POST.get("site") or booking.site.slug).first()
        channel = request.POST.get("channel") or booking.channel
        if start is None or site is None or channel not in ("in_person", "remote"):
            ctx["error"] = _("Choose one of the times.")
        else:
            leg = Leg(service=booking.service, start=start, channel=channel)
            try:
                bookings_move(visit=visit, moves=[(booking, leg)], site=site, token=token)
            except BookingError as exc:  # a conflict too: the page shows fresh times
                ctx["error"] = exc.message
            else:
                messages.success(request, _("Your booking has been moved."))
                return redirect("booking:manage", token=token)
    window = _search_window(request, _serving_sites([booking.service]), booking.site)
    snap = registry_snapshot()
    slots = availability(
        booking.service_id,
        window["not_before"],
        window["not_after"],
        _filters(visit, window["site"]),
        per_site=4,
        limit=12,
        snap=snap,
    )
    sites = _sites(s.site_id for s in slots)
    ctx |= window
    ctx["times"] = [
        {
            "start": s.start,
            "channel": str(s.channel),
            "site": sites[s.site_id],
            "bus_stop": bus_stop_place(snap, s),
        }
        for s in slots
        if not (s.start == booking.start and s.site_id == booking.site_id)
    ]
    status = 409 if ctx.get("error") else 200
    return render(request, "booking/manage_reschedule.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def manage_move(request: HttpRequest, token: str) -> HttpResponse:
    """Move the whole chain visit: its services one after another, on another day or point."""
    visit = _visit_or_none(token)
    if visit is None:
        return _not_found(request)
    ctx = visit_context(visit, token)
    legs = ctx["active"]
    now = timezone.now()
    if len(legs) < 2 or any(b.state != BookingState.BOOKED or b.start <= now for b in legs):
        ctx["begun"] = True
        return render(request, "booking/manage_move.html", ctx)
    services = [b.service for b in legs]
    if request.method == "POST":
        chosen = _parse_legs(request.POST)
        if chosen is None or [leg.service.pk for leg in chosen[1]] != [s.pk for s in services]:
            ctx["error"] = _("Choose one of the times.")
        else:
            site, new_legs = chosen
            try:
                bookings_move(
                    visit=visit,
                    moves=list(zip(legs, new_legs, strict=True)),
                    site=site,
                    token=token,
                )
            except BookingConflict:
                ctx["error"] = _("Those times are no longer free. Here are the next free ones.")
            except BookingError as exc:
                ctx["error"] = exc.message
            else:
                messages.success(request, _("Your visit has been moved."))
                return redirect("booking:manage", token=token)
    window = _search_window(request, _serving_sites(services), legs[0].site)
    chains = chain_availability(
        [s.pk for s in services],
        window["not_before"],
        window["not_after"],
        _filters(visit, window["site"]),
        limit=8,
    )
    now_at = (legs[0].site_id, [b.start for b in legs])
    chains = [c for c in chains if (c.site_id, [s.start for s in c.slots]) != now_at]
    sites = _sites(c.site_id for c in chains)
    ctx |= window
    ctx["chains"] = [
        {
            "site": sites[c.site_id],
            "start": c.slots[0].start,
            "legs": [
                {
                    "service": svc,
                    "start": slot.start,
                    "channel": str(slot.channel),
                    "param": f"{svc.code}|{slot.start.isoformat()}|{slot.channel}",
                }
                for svc, slot in zip(services, c.slots, strict=True)
            ],
        }
        for c in chains
    ]
    status = 409 if ctx.get("error") else 200
    return render(request, "booking/manage_move.html", ctx, status=status)
