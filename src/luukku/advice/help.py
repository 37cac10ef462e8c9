""" "I need help": a customer at a kiosk or terminal asks, the point's staff see it in
their list at once and one of them takes it. A request nobody on site has taken within
``LUUKKU_HELP_ESCALATE_SECONDS`` shows to every advisor, who can answer by video: at an
S point the host may be away from the room.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from luukku.access.policy import role_of, scope_of
from luukku.advice.models import HelpRequest
from luukku.registry.models import Role, Site, StaffProfile

#: A second press at the same terminal within this long is the same request.
SAME_REQUEST = timedelta(minutes=10)
#: Staff who answer help requests: at their own points (advisors also escalated ones).
HELP_ROLES = frozenset({Role.ADVISOR, Role.HOST_STAFF, Role.SITE_MANAGER, Role.ADMIN})


class HelpTaken(Exception):
    """Someone else took the request first."""


def help_ask(*, site: Site, place: str, now: datetime | None = None) -> HelpRequest:
    now = now or timezone.now()
    place = place.strip()[:100]
    open_one = HelpRequest.objects.filter(
        site=site, place=place, taken_at__isnull=True, created_at__gte=now - SAME_REQUEST
    ).first()
    return open_one or HelpRequest.objects.create(site=site, place=place, created_at=now)


def help_visible(user, now: datetime | None = None) -> QuerySet[HelpRequest]:
    """The open requests ``user`` should see, oldest first."""
    now = now or timezone.now()
    open_ = HelpRequest.objects.filter(taken_at__isnull=True).select_related("site")
    role = role_of(user)
    if role == Role.ADMIN:
        return open_.order_by("created_at")
    scope = scope_of(user)
    if role not in HELP_ROLES or scope is None:
        return open_.none()
    mine = Q(site_id__in=scope.sites)
    if role == Role.ADVISOR:
        escalated = now - timedelta(seconds=settings.LUUKKU_HELP_ESCALATE_SECONDS)
        mine |= Q(created_at__lte=escalated)
    return open_.filter(mine).order_by("created_at")


def help_take(*, user, request_id: int, staff: StaffProfile | None, now=None) -> HelpRequest:
    """Take a visible request; refused (HelpTaken) if another took it first."""
    now = now or timezone.now()
    found = help_visible(user, now).filter(pk=request_id)
    if not found.update(taken_by=staff, taken_at=now):
        raise HelpTaken(request_id)
    return HelpRequest.objects.get(pk=request_id)
