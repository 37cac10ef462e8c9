"""Who may see and do what, scoped by agency and site: the one place permissions live.

``can_<verb>_<thing>(user, obj)`` answers yes or no; ``access_<thing>(user, ...)``
looks the object up *and* checks it in one call, so a view cannot forget the check.
An object that does not exist and one outside the user's scope give the same
:class:`AccessDenied` (404), so an id tells nobody whether it exists elsewhere.

Roles (``StaffProfile.role``), each scoped by the profile's agency and sites:

- official: their own agency's tickets and bookings at the sites where they work,
  or by video at those of them their agency serves (``serves_remotely``);
- advisor: the point's queues (the info-desk queue to act on) and visit plans;
  may mark a safe-room need at their point; no agency's customer details;
- host staff (an S point): their point's queue and the day's bookings, without
  personal data;
- site manager: their own sites' spaces, hours, exceptions and statistics;
- agency administrator: their agency's staff and services;
- national administrator (``admin``): agencies and sites, everything in the admin;
- planner: the planner page and API, and the bus timetable suggestions (read only).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from luukku.registry.models import Role, Site, Size, StaffProfile

#: Roles that use the Django admin (and so get ``is_staff``).
ADMIN_ROLES = frozenset({Role.SITE_MANAGER, Role.AGENCY_ADMIN, Role.ADMIN})
#: Roles that work at the desk.
DESK_ROLES = frozenset({Role.OFFICIAL, Role.ADVISOR})
#: Roles that may open the planner.
PLANNER_ROLES = frozenset({Role.PLANNER, Role.ADMIN})
#: Roles that give general advice at the info desk and record its contacts.
ADVICE_ROLES = frozenset({Role.ADVISOR, Role.SITE_MANAGER, Role.ADMIN})

_PROFILE_ATTR = "_luukku_staff_profile"


class AccessDenied(Exception):
    """Not found or not yours: the same answer for both (no id oracle)."""

    def __init__(self, field: str = "id", status: int = 404):
        super().__init__(field)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class StaffScope:
    """Where a signed-in staff member may act: the sites by channel and their agency."""

    role: str
    agency_id: int | None
    #: Sites where they work face to face (for an official: where the agency serves on site).
    on_site: frozenset[int]
    #: Sites they may serve by video (official with ``serves_remotely`` only).
    remote: frozenset[int]

    @property
    def sites(self) -> frozenset[int]:
        return self.on_site | self.remote


# -- who is this ---------------------------------------------------------------


def profile_of(user) -> StaffProfile | None:
    """The user's staff profile (read once per request object), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _PROFILE_ATTR):
        profile = (
            StaffProfile.objects.filter(user_id=user.pk)
            .select_related("agency", "home_site")
            .first()
        )
        setattr(user, _PROFILE_ATTR, profile)
    return getattr(user, _PROFILE_ATTR)


def role_of(user) -> str | None:
    """The user's role; a superuser without a profile counts as national administrator."""
    profile = profile_of(user)
    if profile is not None:
        return profile.role
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return Role.ADMIN
    return None


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def scope_of(user) -> StaffScope | None:
    """Where the user may act (computed once per request's user object)."""
    profile = profile_of(user)
    return None if profile is None else scope_for_profile(profile)


def scope_for_profile(profile: StaffProfile) -> StaffScope:
    """Where this staff member may act, in one query (cached on the profile object)."""
    cached = getattr(profile, "_luukku_scope", None)
    if cached is not None:
        return cached
    agency = profile.agency_id
    rows = Site.objects.filter(staff=profile).values_list("pk", flat=True)
    if profile.role == Role.OFFICIAL:
        on_site_through = Site.agencies_on_site.through.objects.filter(
            site_id=OuterRef("pk"), agency_id=agency
        )
        remote_through = Site.agencies_remote.through.objects.filter(
            site_id=OuterRef("pk"), agency_id=agency
        )
        found = list(
            Site.objects.filter(staff=profile)
            .annotate(here=Exists(on_site_through), far=Exists(remote_through))
            .values_list("pk", "here", "far")
        )
        on_site = frozenset(pk for pk, here, _far in found if here)
        remote = (
            frozenset(pk for pk, here, far in found if here or far)
            if profile.serves_remotely
            else frozenset()
        )
    else:
        on_site, remote = frozenset(rows), frozenset()
    scope = StaffScope(profile.role, agency, on_site, remote)
    profile._luukku_scope = scope
    return scope


def _works_at(user, site_id: int | None, *roles: str) -> bool:
    scope = scope_of(user)
    return scope is not None and scope.role in roles and site_id in scope.sites


# -- pages and capabilities ----------------------------------------------------


def can_use_desk(user) -> bool:
    return has_role(user, *DESK_ROLES)


def can_use_planner(user) -> bool:
    return has_role(user, *PLANNER_ROLES)


def can_use_admin(user) -> bool:
    return has_role(user, *ADMIN_ROLES)


def advice_site_ids(user) -> frozenset[int] | None:
    """Where the user may record info-desk contacts; None means every site (administrator)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return None
    scope = scope_of(user)
    if role in ADVICE_ROLES and scope is not None:
        return scope.sites
    return frozenset()


def can_record_advice(user, site) -> bool:
    sites = advice_site_ids(user)
    return sites is None or getattr(site, "pk", site) in sites


def can_view_plan(user, plan) -> bool:
    """A visit plan (services, number, times; no note): the info desk of its point."""
    return can_record_advice(user, plan.site_id)


def can_read_handover_note(user, note) -> bool:
    """The hand-over note: only an official of an agency the customer consented to,
    and only while that agency is in the plan (its items)."""
    return note_readable_in(scope_of(user), note)


def note_readable_in(scope: StaffScope | None, note) -> bool:
    """``can_read_handover_note`` for a scope already at hand (the desk's)."""
    if scope is None or scope.role != Role.OFFICIAL or scope.agency_id is None:
        return False
    consented = {a.pk for a in note.agencies.all()}
    in_plan = {item.service.agency_id for item in note.plan.items.all()}
    return scope.agency_id in consented & in_plan


def can_view_dropoff(user, dropoff) -> bool:
    """Documents left at the info desk: the info desk of that point, or an official of
    the agency they were left for (:func:`dropoffs_received_q`)."""
    if can_record_advice(user, dropoff.site_id):
        return True
    return can_receive_dropoff(user, dropoff)


def dropoffs_received_q(scope: StaffScope | None) -> Q:
    """The drop-offs an official receives: their agency's at the points where they
    serve, and at any point where their agency serves neither on site nor by video —
    documents left there for it would otherwise reach no one."""
    if scope is None or scope.role != Role.OFFICIAL or scope.agency_id is None:
        return Q(pk__in=[])
    absent = ~Q(site__agencies_on_site=scope.agency_id) & ~Q(site__agencies_remote=scope.agency_id)
    return Q(agency_id=scope.agency_id) & (Q(site_id__in=scope.sites) | absent)


def can_receive_dropoff(user, dropoff) -> bool:
    scope = scope_of(user)
    if scope is None or scope.agency_id != dropoff.agency_id:
        return False
    return type(dropoff)._default_manager.filter(dropoffs_received_q(scope), pk=dropoff.pk).exists()


# -- tickets -------------------------------------------------------------------


def _ticket_agency_id(ticket) -> int | None:
    service = ticket.service
    return service.agency_id if service is not None else None


def can_act_on_ticket(user, ticket) -> bool:
    """Call, recall, park, pass on, serve: an official of the ticket's agency where it waits,
    or an advisor for the info-desk queue at their point."""
    scope = scope_of(user)
    if scope is None:
        return False
    if scope.role == Role.OFFICIAL:
        return (
            ticket.service_id is not None
            and _ticket_agency_id(ticket) == scope.agency_id
            and ticket.site_id in scope.sites
        )
    if scope.role == Role.ADVISOR:
        # The info desk passes customers on: any ticket waiting at their point.
        return ticket.site_id in scope.sites
    return False


def can_view_ticket(user, ticket) -> bool:
    """See a ticket in a queue list (numbers and services, no personal data)."""
    if can_act_on_ticket(user, ticket):
        return True
    return _works_at(user, ticket.site_id, Role.HOST_STAFF, Role.SITE_MANAGER)


def can_flag_safe_room(user, ticket) -> bool:
    """Mark or clear a safe-room need: the ticket's agency's official at that site, or the advisor."""
    scope = scope_of(user)
    if scope is None or ticket.site_id not in scope.sites:
        return False
    if scope.role == Role.ADVISOR:
        return True
    return scope.role == Role.OFFICIAL and _ticket_agency_id(ticket) == scope.agency_id


def access_ticket(user, ticket_id, *, action: str = "act"):
    """The ticket if it exists and the user may ``act`` on it (or ``flag``, ``view`` it)."""
    from luukku.queueing.models import Ticket

    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise AccessDenied("ticket_id") from None
    ticket = Ticket.objects.select_related("service", "site").filter(pk=pk).first()
    check = {"act": can_act_on_ticket, "flag": can_flag_safe_room, "view": can_view_ticket}[action]
    if ticket is None or not check(user, ticket):
        raise AccessDenied("ticket_id")
    return ticket


# -- bookings ------------------------------------------------------------------


def can_view_booking_details(user, booking) -> bool:
    """See (and act on) a customer's name, contact and needs: the booking agency's official
    at the booking's site."""
    scope = scope_of(user)
    return (
        scope is not None
        and scope.role == Role.OFFICIAL
        and booking.service.agency_id == scope.agency_id
        and booking.site_id in scope.sites
    )


def can_change_booking(user, booking) -> bool:
    """Check in or cancel on the customer's behalf: the same people who may see the details."""
    return can_view_booking_details(user, booking)


def can_view_booking(user, booking) -> bool:
    """See that a booking exists (time, service, place; no personal data)."""
    if can_view_booking_details(user, booking):
        return True
    return _works_at(user, booking.site_id, Role.HOST_STAFF, Role.ADVISOR, Role.SITE_MANAGER)


def bookings_visible_q(user, *, details: bool = True, prefix: str = "") -> Q:
    """A filter for the bookings the user may see (with ``details``: their personal data)."""
    scope = scope_of(user)
    nothing = Q(pk__in=[])
    if scope is None:
        return nothing
    if scope.role == Role.OFFICIAL:
        return Q(
            **{
                f"{prefix}service__agency_id": scope.agency_id,
                f"{prefix}site_id__in": sorted(scope.sites),
            }
        )
    if not details and scope.role in (Role.HOST_STAFF, Role.ADVISOR, Role.SITE_MANAGER):
        return Q(**{f"{prefix}site_id__in": sorted(scope.sites)})
    return nothing


def access_booking(user, code: str, *, details: bool = True):
    """The booking with this code if the user may see it (with ``details``: personal data)."""
    from luukku.booking.models import Booking

    booking = (
        Booking.objects.select_related("service__agency", "site", "visit")
        .filter(code=str(code or "").strip().upper()[:12])
        .first()
    )
    check = can_view_booking_details if details else can_view_booking
    if booking is None or not check(user, booking):
        raise AccessDenied("code")
    return booking


# -- sites, agencies, staff (the admin) ----------------------------------------


def can_manage_site(user, site) -> bool:
    """Spaces, hours, exceptions and bus stops of a site."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.SITE_MANAGER and _works_at(user, getattr(site, "pk", site), role)


def can_view_site_statistics(user, site) -> bool:
    return can_manage_site(user, site)


def can_view_site_live(user, site) -> bool:
    """The live overview of a point: its site manager, its advisors, administrators."""
    site_id = getattr(site, "pk", site)
    return can_manage_site(user, site) or _works_at(user, site_id, Role.ADVISOR)


def _is_bus(site) -> bool:
    return getattr(site, "size", None) == Size.XS


def can_view_bus_timetable(user, site) -> bool:
    """A bus route's stop evidence and timetable suggestions: who manages the route,
    and the network's planners (who plan routes but change no site's timetable)."""
    return _is_bus(site) and (can_manage_site(user, site) or role_of(user) == Role.PLANNER)


def can_change_bus_timetable(user, site) -> bool:
    """Accept a suggestion into the route's timetable: who may edit its bus stops."""
    return _is_bus(site) and can_manage_site(user, site)


def access_site(user, slug: str, *, action: str = "statistics"):
    """The site with this slug if the user may do ``action`` there (``manage``, see its
    ``statistics`` or ``live`` overview, see or change its ``bus`` timetable)."""
    site = Site.objects.filter(slug=str(slug or "")[:50]).first()
    check = {
        "manage": can_manage_site,
        "statistics": can_view_site_statistics,
        "live": can_view_site_live,
        "bus": can_view_bus_timetable,
        "bus_change": can_change_bus_timetable,
    }[action]
    if site is None or not check(user, site):
        raise AccessDenied("slug")
    return site


def managed_site_ids(user) -> frozenset[int] | None:
    """Sites the user manages; None means every site (national administrator)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return None
    scope = scope_of(user)
    if scope is not None and role == Role.SITE_MANAGER:
        return scope.sites
    return frozenset()


def can_manage_agency(user, agency) -> bool:
    """An agency's services (and its own details): its administrator or the national one."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    scope = scope_of(user)
    return (
        role == Role.AGENCY_ADMIN
        and scope is not None
        and scope.agency_id == getattr(agency, "pk", agency)
    )


def managed_agency_ids(user) -> frozenset[int] | None:
    """Agencies whose staff and services the user manages; None means every agency."""
    role = role_of(user)
    if role == Role.ADMIN:
        return None
    scope = scope_of(user)
    if role == Role.AGENCY_ADMIN and scope is not None and scope.agency_id:
        return frozenset({scope.agency_id})
    return frozenset()


def can_create_agencies_and_sites(user) -> bool:
    return role_of(user) == Role.ADMIN


def can_manage_staff(user, profile) -> bool:
    """Change a staff profile: the national administrator, or the agency administrator for
    their agency's officials (never their own profile, never another administrator)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if role != Role.AGENCY_ADMIN:
        return False
    own = profile_of(user)
    if own is None or profile.pk == own.pk:
        return False
    return profile.agency_id == own.agency_id and profile.role == Role.OFFICIAL


#: Roles an agency administrator may give their staff.
AGENCY_ADMIN_GRANTS = frozenset({Role.OFFICIAL})


def grantable_roles(user) -> frozenset[str]:
    """The roles the user may give a staff profile in the admin."""
    role = role_of(user)
    if role == Role.ADMIN:
        return frozenset(Role.values)
    if role == Role.AGENCY_ADMIN:
        return AGENCY_ADMIN_GRANTS
    return frozenset()


def audit_scope(user) -> dict | None:
    """Whose audit log the user may read: ``{"sites": ids|None, "agencies": ids|None}``.

    None means no log at all; a None inside means every site or agency.
    """
    role = role_of(user)
    if role == Role.ADMIN:
        return {"sites": None, "agencies": None}
    if role == Role.SITE_MANAGER:
        return {"sites": managed_site_ids(user), "agencies": frozenset()}
    if role == Role.AGENCY_ADMIN:
        return {"sites": frozenset(), "agencies": managed_agency_ids(user)}
    return None


# -- where each role starts ----------------------------------------------------


def start_url(user) -> str:
    """The page a role lands on after signing in."""
    role = role_of(user)
    return {
        Role.OFFICIAL: "/desk/",
        Role.ADVISOR: "/desk/",
        Role.PLANNER: "/planning/",
        Role.SITE_MANAGER: "/admin/",
        Role.AGENCY_ADMIN: "/admin/",
        Role.ADMIN: "/admin/",
        Role.HOST_STAFF: "/staff/host/",
    }.get(role, "/")
