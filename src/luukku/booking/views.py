"""Customer booking pages: find a service, pick a free time, book, and manage the booking.

Every page works without JavaScript; htmx only refreshes parts of a page in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luukku.advice.selectors import QUERY_MAX, triage_search
from luukku.booking.api import TOKEN_RE, _sites, bus_stop_place
from luukku.booking.forms import ContactForm, SearchForm, last_bookable_day, today
from luukku.booking.models import ACTIVE_STATES, BookingState, Visit
from luukku.booking.selectors import SearchFilters, availability, chain_availability, day_bounds
from luukku.booking.services import (
    BookingConflict,
    BookingError,
    Customer,
    Leg,
    visit_book,
    visit_by_token,
)
from luukku.core.scheduling import Slot
from luukku.integration import idempotency
from luukku.registry.models import Service, Site
from luukku.registry.snapshot import RegistrySnapshot, registry_snapshot

#: The page right after booking shows the manage link: its token rides in a signed,
#: short-lived cookie for that page only, never in the session table or a URL.
DONE_COOKIE = "luukku_booked"
DONE_COOKIE_SALT = "luukku.booking.done"
DONE_COOKIE_SECONDS = 3600
SEARCH_DAYS = 28
CONTACT_FIELDS = ("name", "phone", "email")


# -- helpers -----------------------------------------------------------------


@dataclass
class SiteTimes:
    """The free times of one service point, for the times list."""

    site: Site
    times: list[dict] = field(default_factory=list)


def _options(data) -> dict[str, str]:
    """The customer's needs carried from page to page as query parameters."""
    keys = ("group_size", "accessible", "interpreter")
    return {k: str(data.get(k)) for k in keys if data.get(k) not in (None, "", False)}


def _confirm_url(site: Site, legs: list[tuple[Service, Slot]], options: dict) -> str:
    params = [("site", site.slug)]
    params += [("leg", f"{svc.code}|{s.start.isoformat()}|{s.channel}") for svc, s in legs]
    params += [(k, "on" if k == "accessible" else v) for k, v in options.items()]
    return reverse("booking:confirm") + "?" + urlencode(params)


def _group_by_site(rows: list[tuple[Site, dict]]) -> list[SiteTimes]:
    groups: dict[int, SiteTimes] = {}
    for site, row in rows:
        groups.setdefault(site.pk, SiteTimes(site)).times.append(row)
    return list(groups.values())


def _slot_rows(
    snap: RegistrySnapshot, service: Service, slots: list[Slot], options: dict
) -> list[SiteTimes]:
    """Free times grouped by service point, each with its booking link and bus stop."""
    sites = _sites(s.site_id for s in slots)
    rows = []
    for slot in slots:
        site = sites[slot.site_id]
        rows.append(
            (
                site,
                {
                    "start": slot.start,
                    "channel": str(slot.channel),
                    "bus_stop": bus_stop_place(snap, slot),
                    "url": _confirm_url(site, [(service, slot)], options),
                    "leg": f"{service.code}|{slot.start.isoformat()}|{slot.channel}",
                },
            )
        )
    return _group_by_site(rows)


def _chain_rows(services: list[Service], chains, options: dict) -> list[SiteTimes]:
    sites = _sites(c.site_id for c in chains)
    rows = []
    for chain in chains:
        site = sites[chain.site_id]
        legs = list(zip(services, chain.slots, strict=True))
        rows.append(
            (
                site,
                {
                    "start": chain.slots[0].start,
                    "legs": [
                        {"service": svc, "start": s.start, "channel": str(s.channel)}
                        for svc, s in legs
                    ],
                    "url": _confirm_url(site, legs, options),
                },
            )
        )
    return _group_by_site(rows)


def _filters(cd: dict, site_slug: str = "", channel: str = "") -> SearchFilters:
    return SearchFilters(
        sites=(site_slug,) if site_slug else (),
        channel=channel,
        language=cd.get("interpreter", ""),
        group_size=cd.get("group_size") or 1,
        accessible=bool(cd.get("accessible")),
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/not_found.html", status=404)


def _visit_or_none(token: str) -> Visit | None:
    return visit_by_token(token) if TOKEN_RE.match(token) else None


def visit_context(visit: Visit, token: str) -> dict:
    """What every page of a visit shows: its one code, its bookings, the active ones.

    Each booking is marked ``changeable`` (booked and not begun).
    """
    now = timezone.now()
    bookings = list(
        visit.bookings.select_related("service", "site", "space", "bus_stop").order_by(
            "position", "start"
        )
    )
    for b in bookings:
        b.changeable = b.state == BookingState.BOOKED and b.start > now
    return {
        "visit": visit,
        "bookings": bookings,
        "active": [b for b in bookings if b.state in ACTIVE_STATES],
        "token": token,
        "calendar_url": reverse("api:booking_calendar", kwargs={"token": token}),
    }


# -- step 1 and 2: find a service, see the free times -------------------------


def search(request: HttpRequest) -> HttpResponse:
    """Step 1 (no service chosen yet) or step 2 (the earliest free times of the service)."""
    sites = list(Site.objects.order_by("name"))
    services = list(Service.objects.select_related("agency").filter(bookable=True))
    by_code = {s.code: s for s in services}
    data = request.GET.copy()
    data.setdefault("group_size", "1")
    data.setdefault("day", today().isoformat())
    form = SearchForm(data, sites=sites, services=services)
    form.is_valid()
    cd = form.cleaned_data
    service = by_code.get(request.GET.get("service", ""))
    # A bad day only concerns the times list; any other error sends the customer back to step 1.
    if service is None or set(form.errors) - {"day"}:
        return _step1(request, form, cd)

    extra = [by_code[c] for c in cd.get("also", []) if c in by_code and c != service.code]
    options = _options(cd)
    ctx = {
        "form": form,
        "service": service,
        "extra": extra,
        "options": options,
        "site_obj": next((s for s in sites if s.slug == cd.get("site")), None),
        "addable": [s for s in services if s.agency_id != service.agency_id and s not in extra],
        "groups": [],
        "max_day": last_bookable_day(),
    }
    if not form.errors:
        day = cd["day"]
        last = min(day + timedelta(days=SEARCH_DAYS - 1), ctx["max_day"])
        not_before, not_after = max(timezone.now(), day_bounds(day)[0]), day_bounds(last)[1]
        if extra:
            chains = chain_availability(
                [service.pk, *(s.pk for s in extra)],
                not_before,
                not_after,
                _filters(cd, cd["site"]),
            )
            ctx["groups"] = _chain_rows([service, *extra], chains, options)
        else:
            snap = registry_snapshot()
            filters = _filters(cd, cd["site"], cd["channel"])
            slots = availability(service.pk, not_before, not_after, filters, snap=snap)
            ctx["groups"] = _slot_rows(snap, service, slots, options)
        next_day = last + timedelta(days=1)
        if next_day <= ctx["max_day"]:
            later = request.GET.copy()
            later["day"] = next_day.isoformat()
            ctx["later_url"] = "?" + later.urlencode()
        ctx["last_day"] = last
    back = request.GET.copy()
    for key in ("service", "also", "day"):
        back.pop(key, None)
    ctx["change_url"] = "?" + back.urlencode()
    return render(request, "booking/times.html", ctx)


def _step1(request: HttpRequest, form: SearchForm, cd: dict) -> HttpResponse:
    query = (cd.get("q") or "").strip()
    if query:
        # The info desk's search (advice.selectors): inflected Finnish and typos find
        # the service too ("passia", "verokortin"), best match first.
        found = [r.service for r in triage_search(query[:QUERY_MAX], limit=20)]
        services = [svc for svc in found if svc.bookable]
    else:
        services = list(
            Service.objects.select_related("agency")
            .filter(bookable=True)
            .order_by("agency__name", "name")
        )
    agencies: dict[int, dict] = {}
    for svc in services:
        agencies.setdefault(svc.agency_id, {"agency": svc.agency, "services": []})
        agencies[svc.agency_id]["services"].append(svc)
    ctx = {"form": form, "agencies": list(agencies.values()), "query": query}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "services":
        return render(request, "booking/_services.html", ctx)
    return render(request, "booking/search.html", ctx)


# -- step 3 and 4: contact details, booking, confirmation ---------------------


def _parse_legs(data) -> tuple[Site, list[Leg]] | None:
    """The chosen site and legs from ``site`` and ``leg=code|iso-start|channel`` parameters."""
    site = Site.objects.filter(slug=data.get("site", "")).first()
    raw = data.getlist("leg")
    if site is None or not 1 <= len(raw) <= 3:
        return None
    parsed = []
    for item in raw:
        parts = item.split("|")
        if len(parts) != 3:
            return None
        try:
            start = datetime.fromisoformat(parts[1])
        except ValueError:
            return None
        if start.tzinfo is None:
            return None
        parsed.append((parts[0], start, parts[2]))
    services = {s.code: s for s in Service.objects.filter(code__in=[p[0] for p in parsed])}
    if any(code not in services for code, _s, _c in parsed):
        return None
    return site, [Leg(service=services[c], start=s, channel=ch) for c, s, ch in parsed]


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    """Step 3: name and a way to reach the customer, then book (POST)."""
    data = request.POST if request.method == "POST" else request.GET
    chosen = _parse_legs(data)
    if chosen is None:
        messages.error(request, _("Choose a time first."))
        return redirect("booking:search")
    site, legs = chosen
    options_form = SearchForm(
        {k: data.get(k, "") for k in ("group_size", "accessible", "interpreter")} | {"q": ""}
    )
    search_url = (
        reverse("booking:search")
        + "?"
        + urlencode(
            [("service", legs[0].service.code), ("site", site.slug)]
            + [("also", leg.service.code) for leg in legs[1:]]
            + [(k, data[k]) for k in ("group_size", "accessible", "interpreter") if data.get(k)]
        )
    )
    if not options_form.is_valid():
        # The needs are asked on the search page: show the message next to the field there.
        return redirect(search_url)
    opts = options_form.cleaned_data
    lang = (get_language() or "fi")[:2]
    posted_key = request.POST.get(idempotency.FIELD, "") if request.method == "POST" else ""
    key = posted_key if idempotency.valid(posted_key) else ""
    ctx = {
        "site": site,
        "legs": legs,
        "options": _options(opts),
        "hidden_legs": data.getlist("leg"),
        "search_url": search_url,
        # One key per form shown: sending it again (a retry, a double click) books once.
        "idempotency_key": key or idempotency.new_key(),
    }
    if request.method == "GET":
        form = ContactForm(initial={"language": lang if lang in ("fi", "sv", "en") else "fi"})
        return render(request, "booking/confirm.html", {**ctx, "form": form})

    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "booking/confirm.html", {**ctx, "form": form}, status=422)
    cd = form.cleaned_data
    customer = Customer(
        name=cd["name"],
        phone=cd["phone"],
        email=cd["email"],
        language=cd["language"],
        interpreter_language=opts.get("interpreter", ""),
        group_size=opts.get("group_size") or 1,
        needs_accessible=bool(opts.get("accessible")),
    )
    try:
        _visit, _bookings, token = visit_book(
            site=site, legs=legs, customer=customer, idempotency_key=key
        )
    except BookingConflict as exc:
        service = legs[0].service
        ctx["conflict"] = exc.message
        ctx["contact"] = {k: cd[k] for k in (*CONTACT_FIELDS, "language")}
        ctx["groups"] = (
            []
            if len(legs) > 1
            else _slot_rows(registry_snapshot(), service, exc.next_slots, ctx["options"])
        )
        ctx["idempotency_key"] = idempotency.new_key()  # another time is another request
        return render(request, "booking/conflict.html", ctx, status=409)
    except BookingError as exc:
        form.add_error(exc.field if exc.field in CONTACT_FIELDS else None, exc.message)
        return render(request, "booking/confirm.html", {**ctx, "form": form}, status=422)
    response = redirect("booking:done")
    response.set_signed_cookie(
        DONE_COOKIE,
        token,
        salt=DONE_COOKIE_SALT,
        max_age=DONE_COOKIE_SECONDS,
        path=reverse("booking:done"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def done(request: HttpRequest) -> HttpResponse:
    """Step 4: the booking code, where and when, and links to the calendar and to manage."""
    token = request.get_signed_cookie(
        DONE_COOKIE, default="", salt=DONE_COOKIE_SALT, max_age=DONE_COOKIE_SECONDS
    )
    visit = _visit_or_none(token) if token else None
    if visit is None:
        return redirect("booking:search")
    ctx = visit_context(visit, token)
    ctx["manage_url"] = reverse("booking:manage", kwargs={"token": token})
    return render(request, "booking/done.html", ctx)
