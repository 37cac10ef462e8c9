"""Pages of on-site queueing: the kiosk and the display (with its event stream); the desk is in desk_views."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luukku.advice.selectors import QueryError
from luukku.booking.forms import INTERPRETER_LANGUAGES
from luukku.integration import idempotency
from luukku.queueing import events, kiosk_selectors, selectors
from luukku.queueing.kiosk_i18n import kiosk_language
from luukku.queueing.models import TicketState
from luukku.queueing.opening import kiosk_hours
from luukku.queueing.services import (
    QueueError,
    booking_check_in,
    needs_from,
    ticket_sms,
)
from luukku.queueing.services.kiosk import KioskClosed, kiosk_ticket_take
from luukku.queueing.stream import BadParameter, parse_stream_params
from luukku.registry.models import Service, Site


def _site(slug: str) -> Site:
    return get_object_or_404(Site, slug=slug)


# -- kiosk ---------------------------------------------------------------------


def _estimated(site: Site, services) -> list[tuple]:
    return [(s, selectors.service_estimate(site=site, service=s)) for s in services]


def _kiosk_context(site: Site, agency_code: str | None, several: bool = False) -> dict:
    groups = kiosk_selectors.kiosk_services(site)
    chosen = None
    services = []
    if agency_code:
        for agency, _on_site, items in groups:
            if agency.code == agency_code:
                chosen = agency
                services = _estimated(site, sorted(items, key=lambda s: s.name))
        if chosen is None:
            raise Http404("agency")
    hours = kiosk_hours(site)
    lang = get_language() or "fi"
    return {
        "site": site,
        "interpreter_languages": INTERPRETER_LANGUAGES,
        "groups": groups,
        "several": several and not chosen,
        "agency": chosen,
        "services": services,
        "hours": hours,
        "closed_message": "" if hours.is_open else hours.closed_message(lang),
        "next_when": hours.next_when(lang),
        "until": hours.until(lang),
        "book_url": reverse("booking:search") + "?site=" + site.slug,
    }


@require_GET
@kiosk_language
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    several = request.GET.get("several") == "1"
    ctx = _kiosk_context(site, request.GET.get("agency"), several)
    query = request.GET.get("q", "").strip()
    if not query or ctx["agency"] or ctx["several"]:
        return render(request, "queueing/kiosk.html", ctx)
    ctx["query"] = query
    try:
        found = kiosk_selectors.kiosk_search(site, query)
    except QueryError as exc:
        ctx["search_error"] = str(exc)
        return render(request, "queueing/kiosk.html", ctx, status=400)
    ctx["found"] = _estimated(site, found.here)
    ctx["found_book"] = found.book
    return render(request, "queueing/kiosk.html", ctx)


def _form_key(request: HttpRequest) -> str:
    """The form's idempotency key (``{% idempotency_field %}``); a malformed one counts as none."""
    key = request.POST.get(idempotency.FIELD, "")
    return key if idempotency.valid(key) else ""


@require_POST
@kiosk_language
def kiosk_take(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    codes = request.POST.getlist("service")
    several = len(codes) != 1  # the "several matters" form (none ticked is its error)
    found = {s.code: s for s in Service.objects.select_related("agency").filter(code__in=codes)}
    if not codes or (codes != ["advice"] and any(c not in found for c in codes)):
        ctx = _kiosk_context(site, None, several)
        ctx["several_error" if several else "error"] = _("Choose a service.")
        return render(request, "queueing/kiosk.html", ctx, status=400)
    services = [found[c] for c in codes if c in found]
    service = services[0] if services else None
    try:
        ticket = kiosk_ticket_take(
            site=site,
            service=service,
            language=get_language() or "fi",
            idempotency_key=_form_key(request),
            needs=needs_from(request.POST),
            then=services[1:],
        )
    except KioskClosed as exc:
        # The kiosk page itself shows the closed state: when it opens, and a booking link.
        ctx = _kiosk_context(site, None)
        return render(request, "queueing/kiosk.html", ctx, status=exc.status)
    except QueueError as exc:
        if several:
            ctx = _kiosk_context(site, None, several=True)
            needs = exc.field in ("group_size", "interpreter_language")
            ctx["needs_error" if needs else "several_error"] = exc.message
        elif exc.field in ("group_size", "interpreter_language") and service is not None:
            # Back to the same services with the needs open and the message in them.
            ctx = _kiosk_context(site, service.agency.code)
            ctx["needs_error"] = exc.message
        else:
            ctx = _kiosk_context(site, None)
            ctx["error"] = exc.message
        return render(request, "queueing/kiosk.html", ctx, status=exc.status)
    return redirect("queueing:ticket", slug=site.slug, token=ticket.token)


@require_POST
@kiosk_language
def kiosk_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    try:
        result = booking_check_in(
            site=site, code=request.POST.get("code", ""), language=get_language() or "fi"
        )
    except QueueError as exc:
        ctx = _kiosk_context(site, None)
        ctx["checkin_error"] = exc.message
        ctx["code"] = request.POST.get("code", "")[:200]
        return render(request, "queueing/kiosk.html", ctx, status=exc.status)
    url = reverse("queueing:ticket", kwargs={"slug": site.slug, "token": result.ticket.token})
    return redirect(url + ("?late=1" if result.late else "?checked_in=1"))


@kiosk_language
def kiosk_ticket(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    site = _site(slug)
    ticket = selectors.ticket_get_by_token(token)
    if ticket is None or ticket.site_id != site.pk:
        raise Http404("ticket")
    status = 200
    sms_error = None
    if request.method == "POST":
        try:
            ticket_sms(ticket=ticket, phone=request.POST.get("phone", ""))
            messages.success(request, _("The number was sent to your phone."))
            return redirect(request.path)
        except QueueError as exc:
            sms_error, status = exc.message, exc.status
    estimate = selectors.ticket_estimate(ticket) if ticket.state == TicketState.WAITING else None
    return render(
        request,
        "queueing/ticket.html",
        {
            "site": site,
            "ticket": ticket,
            "estimate": estimate,
            "others": selectors.visit_tickets(ticket),
            "steps": list(ticket.steps.select_related("service__agency")),
            "late": request.GET.get("late") == "1",
            "checked_in": request.GET.get("checked_in") == "1",
            "sms_error": sms_error,
        },
        status=status,
    )


# -- display -------------------------------------------------------------------

#: Under WSGI a stream holds a server thread, so it ends after this long and the
#: browser reconnects (resuming by Last-Event-ID); under ASGI ``queueing.stream``
#: answers the same address with a stream that never ends.
SSE_MAX_SECONDS = 300.0
SSE_POLL_SECONDS = 0.5
#: The languages a display shows side by side unless ``?lang=`` says otherwise.
DISPLAY_LANGUAGES = ("fi", "sv")


def _display_languages(request: HttpRequest) -> list[str]:
    """``?lang=sv,fi`` (the point's choice), else the visitor's language and fi and sv."""
    raw = request.GET.get("lang")
    if raw is None:
        return list(dict.fromkeys([get_language() or "fi", *DISPLAY_LANGUAGES]))
    known = {code for code, _name in settings.LANGUAGES}
    codes = list(dict.fromkeys(c.strip() for c in raw.split(",")))
    if not codes or any(c not in known for c in codes):
        raise BadParameter(
            "lang",
            _("Give the display's languages, e.g. fi,sv (of: %(known)s).")
            % {"known": ", ".join(sorted(known))},
        )
    return codes


def _display_texts(codes: list[str]) -> list[dict]:
    """The display's words in each of its languages, for the page and its script."""
    texts = []
    for code in codes:
        with translation.override(code):
            texts.append(
                {
                    "code": code,
                    "called": _("Called numbers"),
                    "number": _("Number"),
                    "go_to": _("Go to"),
                    "again": _("again"),
                    "waiting": _("Waiting now"),
                    "nobody": _("Nobody is waiting."),
                    "none_called": _("No numbers called yet."),
                    "reconnecting": _("Reconnecting…"),
                    "sound_on": _("Sound on"),
                    "sound_off": _("Sound off"),
                }
            )
    return texts


def _places(call: dict, codes: list[str]) -> list[tuple[str, str]]:
    """The room's label in each display language, each distinct label once."""
    out: dict[str, str] = {}
    for code in codes:
        out.setdefault(call["place"].get(code, ""), code)
    return [(code, label) for label, code in out.items() if label]


def _bad_parameter(exc: BadParameter) -> JsonResponse:
    return JsonResponse({"field": exc.field, "message": exc.message}, status=400)


@require_GET
def display(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    try:
        codes = _display_languages(request)
    except BadParameter as exc:
        return _bad_parameter(exc)
    board = selectors.display_board(site)
    texts = _display_texts(codes)
    calls = [{**c, "places": _places(c, codes)} for c in board["calls"]]
    with translation.override(codes[0]):  # the page's own language: the display's first
        return render(
            request,
            "queueing/display.html",
            {
                "site": site,
                "board": board,
                "calls": calls,
                "texts": texts,
                "config": {"languages": codes, "texts": texts},
            },
        )


@require_GET
def display_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The counts waiting, as the display shows them (its stream brings them live)."""
    site = _site(slug)
    try:
        codes = _display_languages(request)
    except BadParameter as exc:
        return _bad_parameter(exc)
    return render(
        request,
        "queueing/_display_status.html",
        {"board": selectors.display_board(site), "texts": _display_texts(codes)},
    )


@require_GET
def display_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The display's Server-Sent Events under WSGI (``runserver``, ``make demo``).

    The same events as ``queueing.stream`` sends under ASGI, read by polling, at most
    ``SSE_POLL_SECONDS`` late: good for one machine's demo, not for a network.
    """
    site = _site(slug)
    try:
        params = parse_stream_params(
            request.GET, request.headers.get("Last-Event-ID"), default_max=SSE_MAX_SECONDS
        )
    except BadParameter as exc:
        return _bad_parameter(exc)

    def stream():
        board = selectors.display_board(site)
        after = board["last"] if params.after is None else params.after
        yield events.stream_start()
        deadline = time.monotonic() + params.max_seconds
        beat = time.monotonic()
        shown = None
        while True:
            if board != shown:
                shown = board
                calls, after = events.call_events(board, after)
                yield events.board_event(board) + calls
            now = time.monotonic()
            if now >= deadline:
                return
            if now - beat >= events.HEARTBEAT_SECONDS:
                beat = now
                yield events.HEARTBEAT
            time.sleep(min(SSE_POLL_SECONDS, deadline - now))
            board = selectors.display_board(site)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
