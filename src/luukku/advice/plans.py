"""Visit plans: the advisor puts a customer's services in order, today and later, at once.

What can be served today at this point goes on one number (the kiosk's rule, with
later services as ``TicketStep`` rows), so the customer is passed from agency to
agency keeping their place; the rest is one chained booking at the point, at a time
the advisor chose among the free ones. Both are made all or none. The customer gets
the plan printed or sent, in their language, by a signed link that needs no sign-in.
A hand-over note is kept only with the customer's consent, for the agencies named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luukku.advice.models import HandoverNote, PlanWhen, VisitPlan, VisitPlanItem
from luukku.booking.customers import BookingError, Customer, Leg, customer_validate
from luukku.booking.models import Channel
from luukku.booking.selectors import SearchFilters, chain_availability, suitable_spaces
from luukku.booking.services import visit_book
from luukku.core.scheduling.model import Chain
from luukku.integration.notify import Message, get_notifier
from luukku.queueing.kiosk_i18n import KIOSK_CODES, registry_name
from luukku.queueing.opening import kiosk_hours
from luukku.queueing.services import Needs, walk_in_possible
from luukku.queueing.services.kiosk import kiosk_ticket_take
from luukku.registry.models import Agency, Service, Site, StaffProfile
from luukku.registry.snapshot import registry_snapshot

#: The most services in one plan (a life event has up to seven; one number takes five).
MAX_SERVICES = 8
#: How far ahead the later services' times are looked for.
BOOKING_HORIZON = timedelta(days=21)
#: How many chain times the advisor chooses from.
OPTIONS = 4
#: The customer's link opens the plan for this long.
LINK_DAYS = 60
_LINK_SALT = "luukku.advice.plan"
NOTE_MAX = 1000


class PlanError(Exception):
    """A plan that cannot be made as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str, status: int = 400):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def plan_services(codes: list[str]) -> list[Service]:
    """The services by code, in the order given, each once; unknown codes are refused."""
    wanted = list(dict.fromkeys(c for c in codes if c))
    if not wanted:
        raise PlanError("service", _("Choose at least one service."))
    if len(wanted) > MAX_SERVICES:
        raise PlanError("service", _("Choose up to %(n)d services.") % {"n": MAX_SERVICES})
    found = {s.code: s for s in Service.objects.select_related("agency").filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise PlanError("service", _("Unknown service “%(code)s”.") % {"code": missing[0][:60]})
    return [found[c] for c in wanted]


@dataclass(frozen=True)
class PlanNeeds:
    language: str = "fi"
    group_size: int = 1
    accessible: bool = False
    interpreter_language: str = ""


def today_possible(
    site: Site, service: Service, needs: PlanNeeds, now: datetime | None = None
) -> bool:
    """Whether ``service`` can be served at ``site`` today on a walk-in number: the kiosk
    is open, the kiosk would give the number, and the point has a space with the
    service's equipment that seats the group (step-free if needed)."""
    if not (kiosk_hours(site, at=now).is_open and walk_in_possible(site, service)):
        return False
    snap = registry_snapshot()
    here = snap.sites[site.pk]
    channel = Channel.IN_PERSON if service.agency_id in here.agencies_on_site else Channel.REMOTE
    filters = SearchFilters(group_size=needs.group_size, accessible=needs.accessible)
    return bool(suitable_spaces(here, snap.services[service.pk], channel, filters))


def booking_options(
    site: Site,
    services: list[Service],
    needs: PlanNeeds,
    now: datetime | None = None,
    *,
    after: list[Service] = (),
) -> list[Chain]:
    """The earliest times at ``site`` when ``services`` follow each other, for the plan:
    not before the customer can be through ``after`` (today's services, at their usual
    length) — a booking for later should not call them away from today's queue."""
    if not services:
        return []
    now = (now or timezone.now()) + timedelta(minutes=sum(s.default_duration for s in after))
    filters = SearchFilters(
        sites=(site.slug,), group_size=needs.group_size, accessible=needs.accessible
    )
    return chain_availability(
        [s.pk for s in services], now, now + BOOKING_HORIZON, filters, limit=OPTIONS
    )


def chain_key(chain: Chain) -> str:
    """A chain option as a form value: its legs' starts and channels."""
    return ";".join(f"{s.start.isoformat()},{s.channel}" for s in chain.slots)


def legs_from(key: str, services: list[Service]) -> list[Leg]:
    """The booking legs of a chosen option (``chain_key``); a tampered value is refused."""
    parts = [p.split(",") for p in key.split(";")] if key else []
    if len(parts) != len(services) or any(len(p) != 2 for p in parts):
        raise PlanError("option", _("Choose a time for the services booked for later."))
    try:
        starts = [datetime.fromisoformat(p[0]) for p in parts]
    except ValueError:
        raise PlanError("option", _("Choose a time for the services booked for later.")) from None
    if any(s.tzinfo is None for s in starts):
        raise PlanError("option", _("Choose a time for the services booked for later."))
    return [
        Leg(service=svc, start=start, channel=p[1])
        for svc, start, p in zip(services, starts, parts, strict=True)
    ]


@dataclass(frozen=True)
class NoteIn:
    text: str
    agencies: list[Agency]


@dataclass(frozen=True)
class PlanIn:
    site: Site
    today: list[Service]
    later: list[Service]
    needs: PlanNeeds
    option: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    note: NoteIn | None = None
    order: list[Service] = field(default_factory=list)


def _check(plan: PlanIn) -> None:
    if not plan.today and not plan.later:
        raise PlanError("service", _("Choose at least one service."))
    if plan.needs.language not in KIOSK_CODES:
        raise PlanError("language", _("Choose a language from the list."))
    for service in plan.today:
        if not today_possible(plan.site, service, plan.needs):
            raise PlanError(
                "today",
                _("%(service)s cannot be served here today: book it for later.")
                % {"service": service.name},
            )
    if plan.note is not None:
        chain = {s.agency_id for s in (*plan.today, *plan.later)}
        if not plan.note.text.strip():
            raise PlanError("note", _("Write the note, or leave consent unticked."))
        if len(plan.note.text) > NOTE_MAX:
            raise PlanError(
                "note", _("The note can have at most %(n)d characters.") % {"n": NOTE_MAX}
            )
        if not plan.note.agencies or any(a.pk not in chain for a in plan.note.agencies):
            raise PlanError(
                "note_agencies", _("Choose the agencies of this visit that may read the note.")
            )


def plan_make(
    *, plan: PlanIn, advisor: StaffProfile | None, now: datetime | None = None
) -> VisitPlan:
    """Make the plan's number and booking and keep the plan, all or none.

    Raises ``PlanError`` for bad input, ``QueueError`` when no number can be given and
    ``BookingError`` (``BookingConflict``) when the chosen time was taken meanwhile.
    """
    now = now or timezone.now()
    _check(plan)
    needs = plan.needs
    legs = legs_from(plan.option, plan.later) if plan.later else []
    with transaction.atomic():
        ticket = None
        if plan.today:
            ticket = kiosk_ticket_take(
                site=plan.site,
                service=plan.today[0],
                then=plan.today[1:],
                language=needs.language,
                now=now,
                needs=Needs(needs.group_size, needs.accessible, needs.interpreter_language),
            )
        visit, bookings = None, []
        if legs:
            customer = Customer(
                name=plan.name,
                phone=plan.phone,
                email=plan.email,
                language=needs.language if needs.language in ("fi", "sv", "en") else "en",
                interpreter_language=needs.interpreter_language,
                group_size=needs.group_size,
                needs_accessible=needs.accessible,
            )
            visit, bookings, _token = visit_book(
                site=plan.site, legs=legs, customer=customer, now=now
            )
        row = VisitPlan.objects.create(
            site=plan.site,
            created_by=advisor,
            created_at=now,
            language=needs.language,
            group_size=needs.group_size,
            needs_accessible=needs.accessible,
            interpreter_language=needs.interpreter_language,
            ticket=ticket,
            visit=visit,
            phone=visit.phone if visit else "",
            email=visit.email if visit else "",
        )
        booked = {b.service_id: b for b in bookings}
        order = plan.order or [*plan.today, *plan.later]
        VisitPlanItem.objects.bulk_create(
            VisitPlanItem(
                plan=row,
                position=i,
                service=s,
                when=PlanWhen.LATER if s.pk in booked else PlanWhen.TODAY,
                booking=booked.get(s.pk),
            )
            for i, s in enumerate(order)
        )
        if plan.note is not None:
            note = HandoverNote.objects.create(
                plan=row, text=plan.note.text.strip(), consent_asked_by=advisor, consent_at=now
            )
            note.agencies.set(plan.note.agencies)
    return row


# -- the customer's copy -----------------------------------------------------------------


def _link_token(plan: VisitPlan) -> str:
    return signing.dumps(plan.pk, salt=_LINK_SALT)


def plan_link(plan: VisitPlan) -> str:
    """The customer's link to their plan (signed; no sign-in, no personal data in it)."""
    return settings.LUUKKU_PUBLIC_URL.rstrip("/") + reverse("plans:show", args=[_link_token(plan)])


def plan_by_link(token: str) -> VisitPlan | None:
    try:
        pk = signing.loads(token, salt=_LINK_SALT, max_age=LINK_DAYS * 86400)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return plan_get(pk)


def plan_get(pk) -> VisitPlan | None:
    return (
        VisitPlan.objects.select_related("site", "ticket", "visit")
        .prefetch_related("items__service__agency", "items__booking")
        .filter(pk=pk)
        .first()
    )


def plan_text(plan: VisitPlan, language: str) -> str:
    """The plan as a short message in ``language``: the number, then each step."""
    with translation.override(language):
        lines = [_("Your visit plan at %(site)s") % {"site": registry_name(plan.site)}]
        if plan.ticket:
            lines.append(_("Your number today: %(number)s") % {"number": plan.ticket.number})
        for item in plan.items.all():
            if item.booking:
                when = timezone.localtime(item.booking.start).strftime("%d.%m. %H:%M")
                lines.append(f"{when} {registry_name(item.service)}")
            else:
                lines.append(_("Today: %(service)s") % {"service": registry_name(item.service)})
        lines.append(plan_link(plan))
    return "\n".join(lines)


def plan_send(*, plan: VisitPlan, phone: str, email: str, language: str) -> None:
    """Send the plan's copy by SMS and/or e-mail; the contact is kept until retention."""
    if language not in KIOSK_CODES:
        raise PlanError("language", _("Choose a language from the list."))
    try:
        checked = customer_validate(Customer(name="-", phone=phone, email=email))
    except BookingError as exc:
        raise PlanError(exc.field, exc.message) from None
    with translation.override(language):
        subject = _("Your visit plan")
    now = timezone.now()
    message = Message(checked.phone, checked.email, subject, plan_text(plan, language), language)
    # The link opens the plan: no log may show it.
    get_notifier().send(
        message.keyed(f"plan:{plan.pk}:{now:%Y%m%d%H%M%S}", redact=(_link_token(plan),))
    )
    VisitPlan.objects.filter(pk=plan.pk).update(
        phone=checked.phone, email=checked.email, sent_at=now
    )


__all__ = [
    "BOOKING_HORIZON",
    "NoteIn",
    "PlanError",
    "PlanIn",
    "PlanNeeds",
    "booking_options",
    "chain_key",
    "legs_from",
    "plan_by_link",
    "plan_get",
    "plan_link",
    "plan_make",
    "plan_send",
    "plan_services",
    "plan_text",
    "today_possible",
]
