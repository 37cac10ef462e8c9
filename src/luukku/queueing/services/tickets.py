"""Taking a number and checking in: tickets, their number series and the kiosk's SMS."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.audit.changes import change_record
from luukku.booking.forms import INTERPRETER_LANGUAGES
from luukku.booking.models import Booking, BookingState, Channel
from luukku.booking.services import booking_transition
from luukku.core.contact import InvalidPhone, phone_e164
from luukku.integration import idempotency
from luukku.integration.notify import Message, get_notifier
from luukku.queueing.events import display_changed
from luukku.queueing.localtime import HELSINKI, local_day, local_hhmm
from luukku.queueing.models import Kind, Queue, QueueCounter, Ticket, TicketState, TicketStep
from luukku.queueing.selectors import ticket_estimate
from luukku.queueing.services.common import QueueError
from luukku.registry.models import Agency, Service, Site

#: Letters of each agency's number series; others get their code's first free letter.
LETTERS = {
    "KELA": "K",
    "POLIISI": "P",
    "MIGRI": "M",
    "VERO": "V",
    "DVV": "D",
    "TE": "T",
    "AVI": "A",
    "ELY": "E",
    "MML": "L",
    "OA/EV": "O",
    "RISE": "R",
    "SATA": "S",
    "UO": "U",
}
ADVICE_LETTER = "N"
CODE_RE = re.compile(r"[A-Z0-9]{8}")


@dataclass(frozen=True)
class Needs:
    """What a walk-in told the kiosk (or the advisor) about the visit."""

    group_size: int = 1
    accessible: bool = False
    interpreter_language: str = ""


#: The interpreter languages a ticket may ask for (the booking page's list).
NEEDS_LANGUAGES = frozenset(code for code, _name in INTERPRETER_LANGUAGES)


def needs_from(data) -> Needs:
    """The needs in a form or JSON body; bad values are refused naming the field."""
    raw = data.get("group_size") or 1
    try:
        group = int(raw)
    except (TypeError, ValueError):
        group = 0
    if not 1 <= group <= 12:
        raise QueueError("group_size", _("The group size must be between 1 and 12."), 400)
    language = (data.get("interpreter_language") or "").strip()
    if language and language not in NEEDS_LANGUAGES:
        raise QueueError("interpreter_language", _("Choose a language from the list."), 400)
    accessible = data.get("needs_accessible") in (True, "on", "true", "1")
    return Needs(group, accessible, language)


def _letter_for(site: Site, agency: Agency | None) -> str:
    if agency is None:
        return ADVICE_LETTER
    letter = LETTERS.get(agency.code)
    if letter:
        return letter
    used = set(Queue.objects.filter(site=site).values_list("letter", flat=True)) | set(
        LETTERS.values()
    )
    for ch in agency.code.upper() + "BCFGHJQWXYZ":
        if ch.isalpha() and ch not in used:
            return ch
    return agency.code[:2].upper()


def queue_for(*, site: Site, agency: Agency | None) -> Queue:
    """Return the site's queue for ``agency`` (None: the info desk), creating it once."""
    queue = Queue.objects.filter(site=site, agency=agency).first()
    if queue is None:
        queue, _created = Queue.objects.get_or_create(
            site=site, agency=agency, defaults={"letter": _letter_for(site, agency)}
        )
    return queue


def _next_number(queue: Queue, day: date) -> str:
    """Take the next number of ``queue`` on ``day``; the counter row is locked until commit."""
    QueueCounter.objects.get_or_create(queue=queue, day=day)
    counter = QueueCounter.objects.select_for_update().get(queue=queue, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{queue.letter}-{counter.last:03d}"


def _agency_at(site: Site, agency: Agency) -> str | None:
    """Return "on_site", "remote" or None for how ``agency`` serves at ``site``."""
    if site.agencies_on_site.filter(pk=agency.pk).exists():
        return "on_site"
    if site.agencies_remote.filter(pk=agency.pk).exists():
        return "remote"
    return None


def _channel_flags(site: Site, service: Service | None) -> tuple[bool, bool]:
    """Return (remote_ok, remote_only) for a walk-in of ``service`` at ``site``."""
    if service is None:
        return False, False
    how = _agency_at(site, service.agency)
    if how is None:
        raise QueueError("service", _("This service is not available at this service point."), 400)
    can_video = service.remote and not service.in_person_only
    if how == "remote":
        if not can_video:
            raise QueueError(
                "service", _("This service needs a visit in person; it is not available here."), 400
            )
        return True, True
    return can_video, False


def walk_in_possible(site: Site, service: Service) -> bool:
    """Whether the kiosk would give a number for ``service`` at ``site`` (opening hours aside)."""
    if not service.walk_in:
        return False
    try:
        _channel_flags(site, service)
    except QueueError:
        return False
    return True


#: The most services one number may cover (the first and its later steps).
MAX_SERVICES = 5


def _check_steps(site: Site, first: Service | None, then: Sequence[Service]) -> None:
    """Later services must be walk-in services available here, each once."""
    if not then:
        return
    codes = [s.code for s in (first, *then) if s is not None]
    if first is None or len(set(codes)) != len(codes) or len(codes) > MAX_SERVICES:
        raise QueueError(
            "then",
            _("Choose up to %(n)d different services.") % {"n": MAX_SERVICES},
            400,
        )
    for service in then:
        if not service.walk_in:
            raise QueueError(
                "then",
                _("%(service)s is by appointment only: please book a time.")
                % {"service": service.name},
                400,
            )
        try:
            _channel_flags(site, service)
        except QueueError as exc:
            raise QueueError("then", f"{service.name}: {exc.message}", exc.status) from None


def ticket_create(
    *,
    site: Site,
    service: Service | None,
    now: datetime | None = None,
    language: str = "fi",
    kind: str = Kind.WALK_IN,
    booking: Booking | None = None,
    due_at: datetime | None = None,
    idempotency_key: str = "",
    needs: Needs | None = None,
    then: Sequence[Service] = (),
) -> Ticket:
    """Give a number in the service's agency queue (None: ask the info desk).

    ``needs``: a walk-in's group size, wheelchair access and interpreter language.
    ``then``: later services on the same number, in order (``TicketStep``): when one is
    finished the customer is passed on to the next, keeping their place in line.

    With an ``idempotency_key`` a retry of the same request (a kiosk that lost the
    answer) gets the ticket the first one made (``integration/idempotency.py``).
    """
    now = now or timezone.now()
    if service is not None and not service.walk_in and booking is None:
        raise QueueError(
            "service", _("This service is by appointment only: please book a time."), 400
        )
    remote_ok, remote_only = _channel_flags(site, service)
    _check_steps(site, service, then)
    if booking is not None and booking.channel == Channel.REMOTE:
        remote_ok, remote_only = True, True
    with transaction.atomic():
        key_row = None
        if idempotency_key:
            made, key_row = _claim_key(idempotency_key, site, service, kind, booking)
            if made is not None:
                return made
        queue = queue_for(site=site, agency=service.agency if service else None)
        day = local_day(now)
        needs = needs or Needs()
        ticket = Ticket.objects.create(
            site=site,
            queue=queue,
            service=service,
            number=_next_number(queue, day),
            day=day,
            kind=kind,
            booking=booking,
            group_size=needs.group_size,
            needs_accessible=needs.accessible,
            interpreter_language=needs.interpreter_language,
            queued_at=now,
            due_at=due_at,
            remote_ok=remote_ok,
            remote_only=remote_only,
            video_url=booking.video_url if booking else "",
            language=language[:8],
        )
        TicketStep.objects.bulk_create(
            TicketStep(ticket=ticket, position=i, service=s) for i, s in enumerate(then, 1)
        )
        if key_row is not None:
            key_row.ticket = ticket
            key_row.save(update_fields=["ticket"])
        display_changed(site.pk)  # the counts waiting
        estimate = ticket_estimate(ticket, now=now)
        if estimate.known:
            ticket.estimate_minutes = estimate.minutes
            ticket.save(update_fields=["estimate_minutes"])
    return ticket


def _claim_key(
    key: str, site: Site, service: Service | None, kind: str, booking: Booking | None
) -> tuple[Ticket | None, object]:
    """The ticket this key made before, or a claim on it (inside the ticket's transaction)."""
    if not idempotency.valid(key):
        raise QueueError(
            "idempotency_key", _("The idempotency key must be 16 to 128 printable characters."), 422
        )
    print_ = idempotency.fingerprint(
        site.pk, service.pk if service else None, kind, booking.pk if booking else None
    )
    try:
        return idempotency.claim("ticket", key, print_, "ticket")
    except idempotency.IdempotencyError:
        raise QueueError(
            "idempotency_key", _("This idempotency key was used for a different request."), 422
        ) from None


def parse_booking_code(text: str) -> str:
    """Return the booking code in what was typed or scanned: a code, or a URL holding one."""
    cleaned = (text or "").strip().upper()
    if not cleaned:
        raise QueueError("code", _("Type the booking code from your confirmation."), 400)
    compact = re.sub(r"[\s-]", "", cleaned)
    if CODE_RE.fullmatch(compact):
        return compact
    found = CODE_RE.findall(cleaned.replace("-", ""))
    if not found:
        raise QueueError("code", _("That is not a booking code: it has 8 letters and digits."), 400)
    return found[-1]


@dataclass(frozen=True)
class CheckIn:
    """The check-in's first ticket; ``others`` are the chain's later legs of the day."""

    ticket: Ticket
    late: bool
    already: bool = False
    others: tuple[Ticket, ...] = ()


def _legs_of(raw: str) -> list[Booking]:
    """What a code checks in: every leg of the visit with this code (the customer's one
    code), or else the one booking with it (a later leg's own code, used by staff)."""
    rows = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("service__agency", "site", "visit")
        .order_by("start", "position")
    )
    return list(rows.filter(visit__code=raw)) or list(rows.filter(code=raw))


def _open_tickets(legs: list[Booking], day: date) -> list[Ticket]:
    return list(
        Ticket.objects.filter(booking__in=legs, day=day)
        .exclude(state__in=[TicketState.DONE, TicketState.NO_SHOW])
        .order_by("due_at", "pk")
    )


def booking_check_in(
    *, site: Site, code: str, now: datetime | None = None, language: str = "fi"
) -> CheckIn:
    """Check a visit in at the kiosk: every leg it has at this point today, at once.

    Each leg gets its own ticket, due at its booked time; the customer is not called
    to a later leg while still at an earlier one (``selectors.callable_tickets``). A
    customer too late for a leg joins that agency's walk-in queue.
    """
    now = now or timezone.now()
    raw = parse_booking_code(code)
    with transaction.atomic():
        legs = _legs_of(raw)
        if not legs:
            raise QueueError(
                "code", _("No booking has this code. Check the code or ask the info desk."), 404
            )
        here = [b for b in legs if b.site_id == site.pk]
        if not here:
            elsewhere = next((b for b in legs if b.is_active), legs[0])
            raise QueueError(
                "code",
                _("This booking is for another service point: %(site)s.")
                % {"site": elsewhere.site.name},
                400,
            )
        today = local_day(now)
        due = [b for b in here if b.state == BookingState.BOOKED and local_day(b.start) == today]
        if not due:
            existing = _open_tickets(here, today)
            if existing:
                first = existing[0]
                return CheckIn(
                    first, late=first.kind == Kind.WALK_IN, already=True, others=tuple(existing[1:])
                )
            pending = [b for b in here if b.state == BookingState.BOOKED]
            if pending:
                _check_in_day(pending[0].start, now)  # another day: says which
            raise QueueError(
                "code",
                _("This booking cannot be checked in: it is %(state)s.")
                % {"state": here[-1].get_state_display()},
                409,
            )
        _check_in_day(due[0].start, now)  # the visit's window opens with its first leg
        made = []
        for booking in due:
            too_late = now > booking.start + timedelta(minutes=settings.LUUKKU_CHECKIN_LATE_MINUTES)
            booking_transition(booking=booking, to=BookingState.CHECKED_IN, now=now)
            ticket = ticket_create(
                site=site,
                service=booking.service,
                now=now,
                language=language,
                kind=Kind.WALK_IN if too_late else Kind.BOOKING,
                booking=booking,
                due_at=None if too_late else booking.start,
            )
            made.append((ticket, too_late))
    (first, late), rest = made[0], made[1:]
    return CheckIn(first, late=late, others=tuple(t for t, _late in rest))


def _check_in_day(start: datetime, now: datetime) -> None:
    """Refuse a check-in before the booking's window opens or on a later day than its own.

    The refusal names the booking's date whenever it is not today: "at 08:00" alone,
    read at the kiosk two days early, sends the customer to wait for a time that is not
    theirs. A customer late on the booking's own day joins the walk-in queue (the
    caller); one who comes on a later day is told to take a number or book again.
    """
    local = timezone.localtime(start, HELSINKI)
    today = local_day(now)
    when = {"date": local.strftime("%d.%m.%Y"), "time": local_hhmm(start)}
    if local.date() < today:
        raise QueueError(
            "code",
            _("Your booking was on %(date)s at %(time)s. Take a number, or book a new time.")
            % when,
            409,
        )
    early = start - timedelta(minutes=settings.LUUKKU_CHECKIN_EARLY_MINUTES)
    if now >= early:
        return
    when["from"] = local_hhmm(early)
    if local.date() > today:
        message = _(
            "Your booking is on %(date)s at %(time)s. Please come back that day:"
            " you can check in from %(from)s."
        )
    else:
        message = _("Your booking is at %(time)s. You can check in from %(from)s.")
    raise QueueError("code", message % when, 409)


def ticket_flag_safe_room(*, ticket: Ticket, needs: bool) -> Ticket:
    """Staff mark a customer as needing a safe room (never shown to anyone else)."""
    Ticket.objects.filter(pk=ticket.pk).update(needs_safe_room=needs)
    ticket.needs_safe_room = needs
    change_record(ticket, ["needs_safe_room"])
    return ticket


def ticket_sms(*, ticket: Ticket, phone: str) -> None:
    """Send the number to the customer's phone; keep the number only to tell them when called."""
    try:
        cleaned = phone_e164(phone)  # E.164; a number without a country code is Finnish
    except InvalidPhone:
        cleaned = ""
    if not cleaned:
        raise QueueError("phone", _("Type a phone number, e.g. 040 123 4567."), 400)
    if ticket.state not in (TicketState.WAITING, TicketState.CALLED):
        raise QueueError("ticket", _("This number is no longer in the queue."))
    Ticket.objects.filter(pk=ticket.pk).update(phone=cleaned)
    change_record(ticket, ["phone"])
    ticket.phone = cleaned
    est = ticket_estimate(ticket)
    body = _("Your number is %(number)s.") % {"number": ticket.number}
    if est.known:
        body += " " + _("Expected wait about %(m)s min.") % {"m": est.minutes}
    body += " " + _("We will send another message when you are called.")
    get_notifier().send(
        Message(
            to_phone=cleaned,
            to_email="",
            subject=ticket.number,
            body=body,
            language=ticket.language,
        )
    )


def demo_seed() -> dict[str, int]:
    """Create each demo site's queues: one per agency serving there, and the info desk's."""
    made = 0
    for site in Site.objects.prefetch_related("agencies_on_site", "agencies_remote"):
        agencies = {a.pk: a for a in [*site.agencies_on_site.all(), *site.agencies_remote.all()]}
        for agency in [None, *agencies.values()]:
            if not Queue.objects.filter(site=site, agency=agency).exists():
                queue_for(site=site, agency=agency)
                made += 1
    return {"queues_created": made}
