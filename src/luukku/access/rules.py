"""The table of rules: which roles may open each page and call each API operation.

Every URL pattern (by its name) and every API operation (``METHOD /path`` as in the
OpenAPI document) has a row; ``AccessMiddleware`` enforces the table on every request,
and an endpoint without a row is refused (and fails the role × endpoint matrix test).
Which *objects* a role may touch (its agency, its sites) is the business of the
``access_*`` helpers in :mod:`luukku.access.policy`, which the views call.

Refusals are answered one way: anonymous → 401 from the API, a redirect to sign-in
from a page; signed in without the role → 403; an object outside one's scope → 404.
"""

from __future__ import annotations

import re

from luukku.access.policy import ADMIN_ROLES, ADVICE_ROLES, DESK_ROLES, PLANNER_ROLES
from luukku.registry.models import Role

#: Not signed in.
ANONYMOUS = "anonymous"
#: Signed in, with no staff profile (e.g. a fresh account from the identity provider).
NO_ROLE = "no_role"

STAFF = frozenset(Role.values)
EVERYONE = frozenset({ANONYMOUS, NO_ROLE, *STAFF})
SIGNED_IN = frozenset({NO_ROLE, *STAFF})

#: Pages, by URL name.
PAGES: dict[str, frozenset[str]] = {
    # Public pages: the citizen's, the kiosk's and the display's.
    "web:landing": EVERYONE,
    "web:site_list": EVERYONE,
    "web:site_detail": EVERYONE,
    "web:accessibility": EVERYONE,
    "set_language": EVERYONE,
    "booking:search": EVERYONE,
    "booking:confirm": EVERYONE,
    "booking:done": EVERYONE,
    "booking:manage": EVERYONE,
    "booking:manage_cancel": EVERYONE,
    "booking:manage_reschedule": EVERYONE,
    "booking:manage_cancel_leg": EVERYONE,
    "booking:manage_move": EVERYONE,
    # Anonymous feedback after a visit, at the kiosk or from the ticket's link.
    "feedback:give": EVERYONE,
    # "I need help" at the kiosk; the point's staff take it (luukku.advice.help).
    "help:ask": EVERYONE,
    "help:list": frozenset({Role.ADVISOR, Role.HOST_STAFF, Role.SITE_MANAGER, Role.ADMIN}),
    "help:take": frozenset({Role.ADVISOR, Role.HOST_STAFF, Role.SITE_MANAGER, Role.ADMIN}),
    "queueing:kiosk": EVERYONE,
    "queueing:take": EVERYONE,
    "queueing:check_in": EVERYONE,
    "queueing:ticket": EVERYONE,
    "queueing:display": EVERYONE,
    "queueing:display_status": EVERYONE,
    "queueing:display_events": EVERYONE,
    "api:openapi-json": EVERYONE,
    "api:openapi-view": EVERYONE,
    "api:api-root": EVERYONE,
    # The load balancer's health checks (no data).
    "web:healthz": EVERYONE,
    "web:readyz": EVERYONE,
    # Signing in and out.
    "login": EVERYONE,
    "logout": EVERYONE,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "oidc_authentication_init": EVERYONE,
    "oidc_authentication_callback": EVERYONE,
    "access:start": SIGNED_IN,
    "access:otp": frozenset(ADMIN_ROLES),
    # Staff.
    "access:host": frozenset({Role.HOST_STAFF}),
    "access:site_statistics": frozenset({Role.SITE_MANAGER, Role.ADMIN}),
    "queueing:desk": DESK_ROLES,
    "queueing:desk_session": DESK_ROLES,
    "queueing:desk_action": DESK_ROLES,
    "queueing:desk_ticket_action": DESK_ROLES,
    "planning:planner": PLANNER_ROLES,
    # Reports from the daily aggregates (luukku.monitoring): own points, or all.
    "monitoring:reports": frozenset({Role.SITE_MANAGER, Role.ADMIN}),
    # The live overview of one point: its site manager and advisors (policy.can_view_site_live).
    "monitoring:live": frozenset({Role.SITE_MANAGER, Role.ADVISOR, Role.ADMIN}),
    # A bus route's stop evidence and timetable suggestions (policy.can_view_bus_timetable);
    # accepting one changes the timetable: who edits the route's stops.
    "monitoring:bus": frozenset({Role.SITE_MANAGER, Role.PLANNER, Role.ADMIN}),
    "monitoring:bus_accept": frozenset({Role.SITE_MANAGER, Role.ADMIN}),
    # The info desk's triage (luukku.advice): general advisors, site managers, admins.
    "advice:triage": ADVICE_ROLES,
    "advice:record": ADVICE_ROLES,
    # Visit plans: the info desk makes them; the note is for the consented agencies'
    # officials only (policy.can_read_handover_note); the customer's copy is public by
    # its signed link.
    "advice:check_in": ADVICE_ROLES,
    "advice:plan_new": ADVICE_ROLES,
    "advice:plan": ADVICE_ROLES,
    "advice:plan_send": ADVICE_ROLES,
    "advice:note_read": frozenset({Role.OFFICIAL}),
    "plans:show": EVERYONE,
    # Documents left for an agency: the info desk records them and prints the receipt
    # (the agency's officials may reopen it); the officials list and receive them.
    "advice:dropoff_new": ADVICE_ROLES,
    "advice:dropoff_receipt": ADVICE_ROLES | {Role.OFFICIAL},
    "advice:dropoff_list": frozenset({Role.OFFICIAL}),
    "advice:dropoff_received": frozenset({Role.OFFICIAL}),
    # An official's own customers' bookings (booking/staff_views.py) and the audit log.
    "staff:bookings": frozenset({Role.OFFICIAL}),
    "staff:booking": frozenset({Role.OFFICIAL}),
    "staff:contact": frozenset({Role.OFFICIAL}),
    "staff:check_in": frozenset({Role.OFFICIAL}),
    "staff:cancel": frozenset({Role.OFFICIAL}),
    "audit:log": frozenset(ADMIN_ROLES),
}

#: The admin site keeps its own sign-in page; every other admin page is for the admin
#: roles, and its ModelAdmins narrow the rows by the policy (registry/admin.py).
ADMIN_NAMESPACE = "admin"
ADMIN_PUBLIC = frozenset({"admin:login", "admin:logout"})

#: API operations, by ``METHOD /path`` as in the OpenAPI document.
API: dict[str, frozenset[str]] = {
    "GET /api/v1/booking/services": EVERYONE,
    "GET /api/v1/booking/availability": EVERYONE,
    "GET /api/v1/booking/chain-availability": EVERYONE,
    "POST /api/v1/booking/bookings": EVERYONE,
    "GET /api/v1/booking/bookings/{token}": EVERYONE,
    "POST /api/v1/booking/bookings/{token}/cancel": EVERYONE,
    "POST /api/v1/booking/bookings/{token}/reschedule": EVERYONE,
    "GET /api/v1/booking/bookings/{token}/calendar.ics": EVERYONE,
    "POST /api/v1/queueing/tickets": EVERYONE,
    "POST /api/v1/queueing/check-in": EVERYONE,
    "GET /api/v1/queueing/tickets/{token}": EVERYONE,
    "GET /api/v1/queueing/sites/{slug}": EVERYONE,
    "POST /api/v1/queueing/desk/session": DESK_ROLES,
    "POST /api/v1/queueing/desk/session/pause": DESK_ROLES,
    "POST /api/v1/queueing/desk/session/resume": DESK_ROLES,
    "POST /api/v1/queueing/desk/call-next": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/call": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/recall": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/no-show": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/park": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/interpreter": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/transfer": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/start": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/finish": DESK_ROLES,
    "POST /api/v1/queueing/desk/tickets/{ticket_id}/follow-up": DESK_ROLES,
    "GET /api/v1/queueing/desk/tickets/{ticket_id}/follow-up/times": DESK_ROLES,
    "POST /api/v1/planning/plan": PLANNER_ROLES,
    "GET /api/v1/advice/search": ADVICE_ROLES,
    "GET /api/v1/advice/notes/{note_id}": frozenset({Role.OFFICIAL}),
    "POST /api/v1/advice/dropoffs": ADVICE_ROLES,
    "GET /api/v1/advice/dropoffs": frozenset({Role.OFFICIAL}),
    "POST /api/v1/advice/dropoffs/{dropoff_id}/received": frozenset({Role.OFFICIAL}),
    "GET /api/v1/staff/bookings": frozenset({Role.OFFICIAL}),
    "GET /api/v1/staff/bookings/{code}": frozenset({Role.OFFICIAL}),
    "GET /api/v1/staff/bookings/{code}/contact": frozenset({Role.OFFICIAL}),
    "POST /api/v1/staff/bookings/{code}/check-in": frozenset({Role.OFFICIAL}),
    "POST /api/v1/staff/bookings/{code}/cancel": frozenset({Role.OFFICIAL}),
}

API_PREFIX = "/api/v1/"
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_key(method: str, route: str) -> str:
    """``POST /api/v1/x/{id}`` from a method and a Django route ``api/v1/x/<int:id>``."""
    path = "/" + _CONVERTER.sub(r"{\1}", route.lstrip("/"))
    return f"{'GET' if method == 'HEAD' else method} {path}"


def is_api(route: str) -> bool:
    return ("/" + route.lstrip("/")).startswith(API_PREFIX)


def allowed_roles(view_name: str | None, route: str, method: str) -> frozenset[str] | None:
    """The roles that may use this endpoint, or None if it has no rule."""
    if is_api(route) and view_name not in PAGES:
        return API.get(api_key(method, route))
    if view_name in ADMIN_PUBLIC:
        return EVERYONE
    if view_name and view_name.split(":", 1)[0] == ADMIN_NAMESPACE:
        return frozenset(ADMIN_ROLES)
    return PAGES.get(view_name or "")
