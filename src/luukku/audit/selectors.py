"""Reads of the audit log, narrowed to the reader's scope by the access policy.

The log has two parts: read events (:class:`AccessEvent`, with their site and agency)
and django-auditlog's change records of visits, bookings and tickets, which are
scoped through the booking or ticket they belong to (bookings are anonymised, never deleted, so the
scope holds for as long as the record is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from luukku.access.policy import audit_scope
from luukku.audit.models import AccessAction, AccessEvent
from luukku.booking.models import Booking, Visit
from luukku.queueing.models import Ticket

#: Most rows one page of the log shows.
PAGE = 200


@dataclass(frozen=True)
class LogRow:
    at: datetime
    who: str
    action: str
    #: "booking" or "visit", and its id: never a name or a contact.
    kind: str
    object_id: int | None
    site: str
    agency: str
    remote_addr: str
    #: For a change: the fields that changed (their values are masked anyway).
    fields: tuple[str, ...] = ()


def _scope_q(scope: dict, *, site: str, agency: str) -> Q | None:
    """Rows at the scope's sites or of its agencies; None for nothing, Q() for everything."""
    sites, agencies = scope["sites"], scope["agencies"]
    if sites is None or agencies is None:
        return Q()
    q = Q(pk__in=[])
    if sites:
        q |= Q(**{f"{site}__in": sorted(sites)})
    if agencies:
        q |= Q(**{f"{agency}__in": sorted(agencies)})
    return q


def _kind(e: AccessEvent) -> tuple[str, int | None]:
    """What the event looked at: a booking, a visit plan's note or a drop-off (by id)."""
    if e.booking_id is not None:
        return "booking", e.booking_id
    if e.dropoff_id is not None:
        return "dropoff", e.dropoff_id
    if e.plan_id is not None:
        return "plan", e.plan_id
    return "visit", e.visit_id


def _events(scope: dict, before: datetime | None) -> list[LogRow]:
    q = _scope_q(scope, site="site_id", agency="agency_id")
    rows = AccessEvent.objects.filter(q).select_related("site", "agency")
    if before is not None:
        rows = rows.filter(at__lt=before)
    labels = dict(AccessAction.choices)
    return [_event_row(e, labels) for e in rows.order_by("-at", "-id")[:PAGE]]


def _event_row(e: AccessEvent, labels: dict) -> LogRow:
    kind, object_id = _kind(e)
    return LogRow(
        at=e.at,
        who=e.actor_username,
        action=str(labels.get(e.action, e.action)),
        kind=kind,
        object_id=object_id,
        site=e.site.name if e.site else "",
        agency=e.agency.code if e.agency else "",
        remote_addr=e.remote_addr or "",
    )


def _changes(scope: dict, before: datetime | None) -> list[LogRow]:
    where = _scope_q(scope, site="site_id", agency="service__agency_id")
    bookings = Booking.objects.filter(where)
    types = ContentType.objects.get_for_models(Booking, Visit, Ticket)
    q = (
        Q(content_type=types[Booking], object_id__in=bookings.values("pk"))
        | Q(content_type=types[Visit], object_id__in=bookings.values("visit_id"))
        | Q(content_type=types[Ticket], object_id__in=Ticket.objects.filter(where).values("pk"))
    )
    if scope["sites"] is None or scope["agencies"] is None:
        q = Q(content_type__in=list(types.values()))
    entries = LogEntry.objects.filter(q).select_related("actor", "content_type")
    if before is not None:
        entries = entries.filter(timestamp__lt=before)
    return [
        LogRow(
            at=e.timestamp,
            who=e.actor.get_username() if e.actor else "",
            action=str(e.get_action_display()),
            kind=e.content_type.model,
            object_id=e.object_id,
            site="",
            agency="",
            remote_addr=e.remote_addr or "",
            fields=tuple(sorted((e.changes_dict or {}).keys())),
        )
        for e in entries.order_by("-timestamp", "-id")[:PAGE]
    ]


def audit_log(user, *, before: datetime | None = None) -> list[LogRow] | None:
    """The newest rows of the log the user may read (None: no log for this user)."""
    scope = audit_scope(user)
    if scope is None:
        return None
    rows = _events(scope, before) + _changes(scope, before)
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:PAGE]
