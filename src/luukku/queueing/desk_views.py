"""The official's desk page: sessions, calling, the actions on a ticket, the follow-up booking."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luukku.access.policy import AccessDenied, access_ticket, profile_of, scope_for_profile
from luukku.advice.dropoff import dropoffs_open_count
from luukku.advice.plan_selectors import note_for_ticket
from luukku.booking.services import Customer
from luukku.queueing import selectors
from luukku.queueing.localtime import HELSINKI, local_hhmm
from luukku.queueing.models import Ticket, TicketState
from luukku.queueing.services import (
    FollowUpNeeds,
    QueueError,
    desk_session_end,
    desk_session_pause,
    desk_session_resume,
    desk_session_start,
    desk_session_take_space,
    follow_up_needs,
    session_scope,
    ticket_arrange_interpreter,
    ticket_call,
    ticket_call_next,
    ticket_finish,
    ticket_flag_safe_room,
    ticket_follow_up,
    ticket_follow_up_times,
    ticket_no_show,
    ticket_park,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from luukku.registry.models import Role, Service, Site, Space, StaffProfile


def _official(request: HttpRequest) -> StaffProfile:
    profile = profile_of(request.user)  # read once per request (the rules read it first)
    if profile is None:
        raise Http404("staff profile")
    return profile


def _booths(site_ids) -> list[Space]:
    """The spaces an official may take as their booth at these sites, by site and label."""
    return list(
        Space.objects.filter(site_id__in=site_ids, active=True)
        .select_related("site")
        .order_by("site__name", "customer_label", "id")
    )


def _desk_context(official: StaffProfile, **extra) -> dict:
    session = selectors.desk_session_get(official)
    ctx = {"official": official, "session": session, **extra}
    if session is None:
        ctx["my_services"] = list(official.services.select_related("agency"))
        # Only the points where the official may serve face to face (the access policy).
        on_site = scope_for_profile(official).on_site
        ctx["my_sites"] = list(Site.objects.filter(pk__in=on_site))
        ctx["booths"] = _booths(on_site)
        # A remote official starts remote: they serve every point by video.
        ctx["starts_remote"] = official.serves_remotely or not on_site
        return ctx
    scope = session_scope(session)
    if not session.remote:
        ctx["booths"] = _booths([session.site_id])
    ctx["scope"] = scope
    ctx["session_services"] = list(session.services.all())
    ctx["current"] = selectors.current_ticket(official)
    ctx["waiting"] = selectors.waiting_list(scope)
    ctx["now"] = timezone.now()
    if ctx["current"]:
        ctx["transfer_services"] = selectors.transfer_choices(ctx["current"].site).exclude(
            pk=ctx["current"].service_id
        )
        ctx["follow_up_defaults"] = follow_up_needs(ctx["current"])
        ctx["interpreter"] = selectors.interpreter_help(ctx["current"], official)
        ctx["current_steps"] = list(ctx["current"].steps.select_related("service__agency"))
        ctx["current_note"] = note_for_ticket(scope_for_profile(official), ctx["current"])
        ctx["bookable_services"] = (
            Service.objects.filter(bookable=True)
            .select_related("agency")
            .order_by("agency__code", "name")
        )
    return ctx


def _with_dropoffs(official: StaffProfile, ctx: dict) -> dict:
    """The page's header counts the documents left for the official's agency (not the
    panel, which refreshes every few seconds)."""
    if official.role == Role.OFFICIAL:
        ctx["dropoffs_open"] = dropoffs_open_count(scope_for_profile(official))
    return ctx


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    ctx = _desk_context(official)
    if request.headers.get("HX-Request") and ctx["session"] is not None:
        return render(request, "queueing/_desk_panel.html", ctx)
    return render(request, "queueing/desk.html", _with_dropoffs(official, ctx))


@login_required
@require_POST
def desk_session(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    if request.POST.get("end"):
        desk_session_end(official=official)
        return redirect("queueing:desk")
    codes = request.POST.getlist("services")
    services = list(Service.objects.filter(code__in=codes))
    remote = request.POST.get("mode") == "remote"
    site = Site.objects.filter(slug=request.POST.get("site", "")).first()
    try:
        desk_session_start(
            official=official,
            services=services,
            remote=remote,
            site=site,
            advice=bool(request.POST.get("advice")),
            space=None if remote else _posted_space(request),
        )
    except QueueError as exc:
        ctx = _desk_context(official, error=exc.message)
        return render(
            request, "queueing/desk.html", _with_dropoffs(official, ctx), status=exc.status
        )
    return redirect("queueing:desk")


def _posted_space(request: HttpRequest) -> Space | None:
    """The booth chosen in the form (``space``: an id, empty for any free space)."""
    raw = request.POST.get("space", "").strip()
    if not raw:
        return None
    space = Space.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
    if space is None:
        raise QueueError("space", _("Choose a booth from the list."), 400)
    return space


def _panel(
    request: HttpRequest, official: StaffProfile, status: int = 200, **extra
) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(
            request, "queueing/_desk_panel.html", _desk_context(official, **extra), status=status
        )
    if extra.get("follow_up"):  # the times to choose from live on the page, not in a message
        ctx = _with_dropoffs(official, _desk_context(official, **extra))
        return render(request, "queueing/desk.html", ctx, status=status)
    for key in ("notice", "error"):
        if extra.get(key):
            (messages.error if key == "error" else messages.info)(request, extra[key])
    return redirect("queueing:desk")


@login_required
@require_POST
def desk_action(request: HttpRequest, action: str, ticket_id: int | None = None) -> HttpResponse:
    official = _official(request)
    session = selectors.desk_session_get(official)
    if session is None:
        return _panel(request, official, 409, error=_("Start serving first: choose your services."))
    scope = session_scope(session)
    ticket = None
    if ticket_id is not None:
        # One lookup and check (the policy): a missing and another agency's ticket look alike.
        try:
            ticket = access_ticket(
                request.user, ticket_id, action="flag" if action == "safe-room" else "act"
            )
        except AccessDenied:
            return _panel(request, official, 404, error=_("No such ticket."))
    try:
        if _needs_confirmation(action, request, ticket):
            return _confirm(request, official, action, ticket)
        notice = _do(action, request, official, scope, ticket)
    except QueueError as exc:
        extra = {}
        if action == "follow-up" and ticket is not None:
            extra = _times_again(request, official, ticket)
        return _panel(request, official, exc.status, error=exc.message, **extra)
    return _panel(request, official, **notice)


def _times_again(request: HttpRequest, official: StaffProfile, ticket: Ticket) -> dict:
    """After a refused follow-up booking, the same times and the typed contact again."""
    try:
        shown = _follow_up_times(request, official, ticket)
    except QueueError:
        return {}
    shown["follow_up"]["customer"] = {
        key: request.POST.get(key, "")[:200] for key in ("name", "phone", "email")
    }
    shown["follow_up"]["chosen"] = request.POST.get("slot", "")
    return {"follow_up": shown["follow_up"]}


#: Actions that cannot be undone: the desk asks once more before doing them.
CONFIRMED_ACTIONS = frozenset({"no-show", "finish", "transfer"})


def _needs_confirmation(action: str, request: HttpRequest, ticket: Ticket | None) -> bool:
    if action not in CONFIRMED_ACTIONS or ticket is None or request.POST.get("confirm") == "1":
        return False
    if action == "no-show" and ticket.recalls < settings.LUUKKU_NO_SHOW_AFTER_RECALLS:
        return False  # refused anyway ("recall first"): say so at once, do not ask
    return True


def _confirm(
    request: HttpRequest, official: StaffProfile, action: str, ticket: Ticket
) -> HttpResponse:
    """Ask before an action that cannot be undone; the answer posts the same form again."""
    number = ticket.number
    service = None
    if action == "transfer":
        code = request.POST.get("service", "")
        service = Service.objects.select_related("agency").filter(code=code).first()
        if service is None:
            raise QueueError("service", _("Choose the service to pass the customer to."), 400)
        question = _("Transfer %(number)s to %(service)s? This cannot be undone.") % {
            "number": number,
            "service": f"{service.agency.code} – {service.name}",
        }
        button = _("Yes, transfer")
    elif action == "no-show":
        question = _(
            "Mark %(number)s as a no-show? The number leaves the queue; this cannot be undone."
        ) % {"number": number}
        button = _("Yes, mark as a no-show")
    else:
        question = _(
            "Finish the service of %(number)s? The space is freed; this cannot be undone."
        ) % {"number": number}
        button = _("Yes, finish")
    ctx = {
        "ticket": ticket,
        "action": action,
        "question": question,
        "button": button,
        "service": service,
    }
    if request.headers.get("HX-Request"):
        return render(request, "queueing/_desk_confirm.html", ctx)
    return render(request, "queueing/desk_confirm.html", {**ctx, "official": official})


def _do(
    action: str, request: HttpRequest, official: StaffProfile, scope, ticket: Ticket | None
) -> dict:
    if action in ("call-next", "call"):
        if action == "call":
            result = ticket_call(ticket_id=ticket.pk, official=official, scope=scope)
        else:
            result = ticket_call_next(official=official, scope=scope)
        if result.reason == "empty":
            return {"notice": _("Nobody is waiting for your services.")}
        if result.reason == "no_space":
            return {
                "error": _(
                    "No suitable space is free right now. %(number)s stays first in line; try again soon."
                )
                % {"number": result.first_in_line.number}
            }
        return {"notice": _("Called %(number)s.") % {"number": result.ticket.number}}
    if action == "pause":
        desk_session_pause(official=official)
        return {"notice": _("You are on a break: nobody is called to you.")}
    if action == "resume":
        desk_session_resume(official=official)
        return {"notice": _("Break over: you can call customers again.")}
    if action == "booth":
        space = _posted_space(request)
        desk_session_take_space(official=official, space=space)
        if space is None:
            return {"notice": _("Customers are called to any suitable free space.")}
        return {
            "notice": _("%(space)s is your booth for this session.")
            % {"space": space.customer_label}
        }
    if ticket is None:
        raise QueueError("ticket", _("No such ticket."), 404)
    number = ticket.number
    if action == "recall":
        t = ticket_recall(ticket=ticket, official=official)
        notice = _("Called %(number)s again (recall %(n)s).") % {"number": number, "n": t.recalls}
    elif action == "no-show":
        ticket_no_show(ticket=ticket, official=official)
        notice = _("%(number)s did not come: marked as a no-show.") % {"number": number}
    elif action == "park":
        try:
            minutes = int(request.POST.get("minutes", 10))
        except ValueError:
            raise QueueError("minutes", _("Give the minutes as a number."), 400) from None
        t = ticket_park(ticket=ticket, official=official, minutes=minutes)
        notice = _("%(number)s waits aside until %(time)s and keeps their place in line.") % {
            "number": number,
            "time": local_hhmm(t.parked_until),
        }
    elif action == "transfer":
        t = ticket_transfer(
            ticket=ticket, official=official, service_code=request.POST.get("service", "")
        )
        notice = _("%(number)s is passed on to %(service)s and keeps their place in line.") % {
            "number": number,
            "service": f"{t.service.agency.code} – {t.service.name}",
        }
    elif action == "start":
        ticket_start(ticket=ticket, official=official)
        notice = _("Service of %(number)s started.") % {"number": number}
    elif action == "finish":
        t = ticket_finish(ticket=ticket, official=official)
        if t.state == TicketState.WAITING:  # more services on the same number
            notice = _("%(number)s finished here and passed on to %(service)s, as planned.") % {
                "number": number,
                "service": f"{t.service.agency.code} – {t.service.name}",
            }
        else:
            notice = _("%(number)s finished: the space is free again.") % {"number": number}
    elif action == "interpreter":
        t = ticket_arrange_interpreter(
            ticket=ticket, official=official, interpreter_id=request.POST.get("interpreter")
        )
        notice = _("%(name)s is arranged for %(number)s until %(time)s.") % {
            "name": t.interpreter.name,
            "number": number,
            "time": local_hhmm(t.interpreter_hold.end),
        }
    elif action == "safe-room":
        needs = request.POST.get("needs") == "1"
        ticket_flag_safe_room(ticket=ticket, needs=needs)
        notice = (
            _("%(number)s will be called to a safe room.")
            if needs
            else _("%(number)s needs no safe room.")
        ) % {"number": number}
    elif action == "follow-up-times":
        return _follow_up_times(request, official, ticket)
    elif action == "follow-up":
        return _follow_up(request, official, ticket)
    else:
        raise Http404("action")
    return {"notice": notice}


def _posted_needs(request: HttpRequest, ticket: Ticket) -> FollowUpNeeds:
    """The needs the form carries; a form that never showed them carries the booking's."""
    shown = request.POST.get("needs_shown") == "1"
    return follow_up_needs(
        ticket,
        interpreter_language=request.POST.get("interpreter_language", "")[:8] if shown else None,
        needs_accessible=bool(request.POST.get("needs_accessible")) if shown else None,
    )


def _posted_days(request: HttpRequest) -> int:
    raw = request.POST.get("after_days", "1").strip() or "1"
    try:
        return int(raw)
    except ValueError:
        raise QueueError("after_days", _("Give the days as a number from 0 to 365."), 400) from None


def _follow_up_times(request: HttpRequest, official: StaffProfile, ticket: Ticket) -> dict:
    """The next suitable times (``ticket_follow_up_times``) for the customer to choose from."""
    needs = _posted_needs(request, ticket)
    code = request.POST.get("service", "")
    days = _posted_days(request)
    channel = request.POST.get("channel", "")
    slots = ticket_follow_up_times(
        ticket=ticket,
        official=official,
        service_code=code,
        needs=needs,
        after_days=days,
        channel=channel,
    )
    sites = Site.objects.in_bulk({s.site_id for s in slots})
    times = [
        {
            "value": f"{sites[s.site_id].slug}|{s.start.isoformat()}|{s.channel}",
            "site": sites[s.site_id],
            "start": s.start,
            "remote": s.channel == "remote",
        }
        for s in slots
    ]
    follow_up = {
        "service": code,
        "after_days": days,
        "channel": channel,
        "needs": needs,
        "times": times,
    }
    if not times:
        return {
            "follow_up": follow_up,
            "error": _("No suitable time in the next 30 days: try another service or channel."),
        }
    return {"follow_up": follow_up}


def _posted_slot(request: HttpRequest) -> tuple[Site, datetime, str]:
    """The time chosen from the list: ``site|start|channel``."""
    parts = request.POST.get("slot", "").split("|")
    site = Site.objects.filter(slug=parts[0]).first() if len(parts) == 3 else None
    try:
        start = datetime.fromisoformat(parts[1]) if site else None
    except ValueError:
        start = None
    if site is None or start is None or timezone.is_naive(start):
        raise QueueError("slot", _("Choose one of the times shown."), 400)
    return site, start, parts[2]


def _follow_up(request: HttpRequest, official: StaffProfile, ticket: Ticket) -> dict:
    """Book the time the customer chose (``ticket_follow_up``); say when, where, what code."""
    site, start, channel = _posted_slot(request)
    booking = ticket_follow_up(
        ticket=ticket,
        official=official,
        service_code=request.POST.get("service", ""),
        customer=Customer(
            name=request.POST.get("name", "").strip(),
            phone=request.POST.get("phone", "").strip(),
            email=request.POST.get("email", "").strip(),
            language=ticket.language,
        ),
        site=site,
        start=start,
        channel=channel,
        needs=_posted_needs(request, ticket),
    )
    where = (_("by video at %(site)s") if booking.channel == "remote" else _("at %(site)s")) % {
        "site": booking.site.name
    }
    return {
        "notice": _("Booked %(service)s on %(time)s %(where)s, booking code %(code)s.")
        % {
            "service": booking.service.name,
            "time": timezone.localtime(booking.start, HELSINKI).strftime("%d.%m.%Y %H:%M"),
            "where": where,
            "code": booking.code,
        }
    }
