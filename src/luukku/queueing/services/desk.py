"""Desk sessions: what an official serves now, where, and on site or by video."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.access.policy import scope_for_profile
from luukku.queueing.models import ADVICE_SERVICE_ID, DeskSession
from luukku.queueing.selectors import Scope
from luukku.queueing.services.common import QueueError
from luukku.registry.models import Service, Site, StaffProfile


def desk_session_start(
    *,
    official: StaffProfile,
    services: Collection[Service],
    remote: bool,
    site: Site | None = None,
    advice: bool = False,
) -> DeskSession:
    """Start serving: end any open session, then record what the official serves now."""
    allowed = set(official.services.values_list("pk", flat=True))
    chosen = [s for s in services if s.pk in allowed]
    if len(chosen) != len(list(services)):
        raise QueueError("services", _("You can only serve services you are trained for."), 400)
    if not chosen and not advice:
        raise QueueError("services", _("Choose at least one service."), 400)
    where = scope_for_profile(official)  # the access policy: agency and sites
    if remote and not where.remote:
        raise QueueError("remote", _("You do not serve remotely."), 400)
    if not remote:
        site = site or official.home_site
        if site is None or site.pk not in where.on_site:
            raise QueueError("site", _("Choose a service point where you work."), 400)
    with transaction.atomic():
        DeskSession.objects.filter(official=official, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        session = DeskSession.objects.create(
            official=official, site=None if remote else site, remote=remote, advice=advice
        )
        session.services.set(chosen)
    return session


def desk_session_end(*, official: StaffProfile) -> None:
    DeskSession.objects.filter(official=official, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def session_scope(session: DeskSession) -> Scope:
    services = set(session.services.values_list("pk", flat=True))
    if session.advice:
        services.add(ADVICE_SERVICE_ID)
    if session.remote:
        # The sites the official's agency serves among theirs (the access policy).
        sites = scope_for_profile(session.official).remote
    else:
        sites = frozenset({session.site_id})
    return Scope(frozenset(services), sites, session.remote)
