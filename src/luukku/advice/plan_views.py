"""Pages of visit plans: the advisor's planner, the plan and its copy, the hand-over note.

The advisor opens ``/advice/plans/new/?service=…`` from the triage page; the page
says which services can be served today on one number and offers the first free
times for the rest, and "Make the plan" makes all of it at once. The customer's copy
is printed, or sent, in a language of the kiosk's; ``/plans/<link>/`` shows it to the
customer without signing in. A note written with consent is read only by officials
of the agencies named (``policy.can_read_handover_note``), every read audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luukku.access.policy import can_read_handover_note, can_view_plan, profile_of
from luukku.advice import plan_selectors as ps
from luukku.advice.forms import ContactForm, started_token
from luukku.advice.models import HandoverNote
from luukku.advice.plans import (
    NoteIn,
    PlanError,
    PlanIn,
    PlanNeeds,
    booking_options,
    chain_key,
    plan_by_link,
    plan_get,
    plan_link,
    plan_make,
    plan_send,
    plan_services,
    today_possible,
)
from luukku.advice.selectors import home_site, staff_sites
from luukku.advice.views import triage_page
from luukku.audit.services import actor_of, note_access_record
from luukku.booking.customers import BookingConflict, BookingError
from luukku.booking.forms import INTERPRETER_LANGUAGES
from luukku.queueing.kiosk_i18n import KIOSK_CODES, KIOSK_LANGUAGES, requested_language
from luukku.queueing.services import QueueError, booking_check_in, needs_from


def _site_of(request, data):
    sites = staff_sites(request.user)
    chosen = data.get("site")
    site = sites.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return site or home_site(request.user, sites) or sites.first(), sites


def _needs(data) -> PlanNeeds:
    needs = needs_from(data)  # QueueError naming group_size / interpreter_language
    language = data.get("language") or "fi"
    return PlanNeeds(language, needs.group_size, needs.accessible, needs.interpreter_language)


def _draft(request, data, errors: dict) -> dict:
    """What the planner page shows for this input: today, later, the times offered."""
    site, sites = _site_of(request, data)
    if site is None:
        raise Http404("site")
    services = plan_services(data.getlist("service"))
    posted = request.method == "POST"
    chosen_today = set(data.getlist("today"))
    try:
        needs = _needs(data)
    except QueueError as exc:
        errors[exc.field] = exc.message
        needs = PlanNeeds()
    rows = []
    for service in services:
        possible = today_possible(site, service, needs)
        today = possible and (service.code in chosen_today if posted else True)
        rows.append({"service": service, "possible": possible, "today": today})
    later = [r["service"] for r in rows if not r["today"]]
    options = [
        {"key": chain_key(c), "legs": list(zip(later, c.slots, strict=True))}
        for c in booking_options(
            site, later, needs, after=[r["service"] for r in rows if r["today"]]
        )
    ]
    if later and not options:
        errors.setdefault("option", _("No free times in the next three weeks: refer elsewhere."))
    agencies = {s.agency_id: s.agency for s in services}
    return {
        "site": site,
        "sites": sites,
        "rows": rows,
        "services": services,
        "today": [r["service"] for r in rows if r["today"]],
        "later": later,
        "options": options,
        "needs": needs,
        "agencies": list(agencies.values()),
    }


def _note(data, draft) -> NoteIn | None:
    if data.get("consent") != "on":
        return None
    codes = set(data.getlist("note_agency"))
    return NoteIn(
        text=data.get("note", ""),
        agencies=[a for a in draft["agencies"] if a.code in codes],
    )


def plan_new(request: HttpRequest) -> HttpResponse:
    """GET: the planner for the chosen services; POST "make": make it, all or none."""
    data = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    try:
        draft = _draft(request, data, errors)
    except PlanError as exc:
        messages.error(request, exc.message)
        return redirect("advice:triage")
    status = 400 if errors else 200
    if request.method == "POST" and data.get("make") and not errors:
        plan = PlanIn(
            site=draft["site"],
            today=draft["today"],
            later=draft["later"],
            needs=draft["needs"],
            option=data.get("option", ""),
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            note=_note(data, draft),
            order=draft["services"],
        )
        try:
            made = plan_make(plan=plan, advisor=profile_of(request.user))
        except BookingConflict as exc:
            errors["option"] = exc.message
            draft = _draft(request, data, {})  # the times still free
            status = 409
        except (PlanError, QueueError, BookingError) as exc:
            errors[exc.field] = exc.message
            status = exc.status if isinstance(exc, (PlanError, QueueError)) else 400
        else:
            messages.success(request, _("The visit plan is made."))
            return redirect("advice:plan", pk=made.pk)
    context = draft | {
        "data": data,
        "errors": errors,
        "languages": KIOSK_LANGUAGES,
        "interpreter_languages": INTERPRETER_LANGUAGES,
        "chosen_option": data.get("option", ""),
        "note_agencies": set(data.getlist("note_agency")),
    }
    return render(request, "advice/plan_new.html", context, status=status)


def _plan_for(request, pk):
    plan = plan_get(pk)
    if plan is None or not can_view_plan(request.user, plan):
        raise Http404("plan")
    return plan


def _copy_language(request, plan) -> str:
    return requested_language(request) or (plan.language if plan.language in KIOSK_CODES else "fi")


def _plan_page(request, plan, *, status: int = 200, send: dict | None = None) -> HttpResponse:
    items = list(plan.items.all())
    language = plan.language if plan.language in dict(KIOSK_LANGUAGES) else "other"
    initial = {"started": started_token(plan.created_at), "site": plan.site_id}
    context = {
        "plan": plan,
        "items": items,
        "copy_lang": _copy_language(request, plan),
        "languages": KIOSK_LANGUAGES,
        "link": plan_link(plan),
        "note": HandoverNote.objects.filter(plan=plan).prefetch_related("agencies").first(),
        "form": ContactForm(
            initial=initial | {"language": language}, sites=staff_sites(request.user)
        ),
        "results": [{"service": i.service} for i in items],
        "send": send or {},
    }
    return render(request, "advice/plan.html", context, status=status)


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The advisor's view of a plan: the customer's copy to print or send, and one-click
    recording of the contact."""
    return _plan_page(request, _plan_for(request, pk))


@require_POST
def plan_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the copy by SMS or e-mail; a bad number is shown on the page, input kept."""
    plan = _plan_for(request, pk)
    phone, email = request.POST.get("phone", ""), request.POST.get("email", "")
    try:
        plan_send(plan=plan, phone=phone, email=email, language=request.POST.get("lang", ""))
    except PlanError as exc:
        send = {"field": exc.field, "error": exc.message, "phone": phone[:40], "email": email[:254]}
        return _plan_page(request, plan, status=400, send=send)
    messages.success(request, _("The plan was sent to the customer."))
    return redirect("advice:plan", pk=plan.pk)


def plan_public(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's copy by its link: no sign-in, no name, no note."""
    plan = plan_by_link(token)
    if plan is None:
        raise Http404("plan")
    language = _copy_language(request, plan)
    context = {"plan": plan, "items": list(plan.items.all()), "copy_lang": language}
    context |= {"languages": KIOSK_LANGUAGES, "link": plan_link(plan)}
    with translation.override(language):
        response = render(request, "advice/plan_public.html", context)
    response["Content-Language"] = language
    return response


def note_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The hand-over note, for an official of a consented agency; the read is audited."""
    note = ps.note_get(pk)
    if note is None or not can_read_handover_note(request.user, note):
        raise Http404("note")
    note_access_record(actor=actor_of(request), note=note)
    return render(request, "advice/note.html", {"note": note, "plan": note.plan})


@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    """The advisor checks a booked customer in for them (the kiosk's check-in)."""
    site, _all = _site_of(request, request.POST)
    if site is None:
        raise Http404("site")
    try:
        result = booking_check_in(site=site, code=request.POST.get("code", ""))
    except QueueError as exc:
        extra = {"checkin_error": exc.message, "checkin_code": request.POST.get("code", "")[:40]}
        return triage_page(request, status=exc.status, extra=extra)
    numbers = ", ".join(t.number for t in (result.ticket, *result.others))
    messages.success(request, _("Checked in. The customer's number: %(n)s") % {"n": numbers})
    return redirect("advice:triage")


__all__ = ["check_in", "note_read", "plan", "plan_new", "plan_public", "plan_send_view"]
