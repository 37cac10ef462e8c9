"""Desk sessions: what an official serves now, where, on site or by video, in which
booth, and whether they are on a break."""

from __future__ import annotations

from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.access.policy import scope_for_profile
from luukku.queueing.models import ADVICE_SERVICE_ID, HOLDING_STATES, DeskSession, Ticket
from luukku.queueing.selectors import Scope
from luukku.queueing.services.common import QueueError
from luukku.registry.models import Service, Site, Space, StaffProfile


def desk_session_start(
    *,
    official: StaffProfile,
    services: Collection[Service],
    remote: bool,
    site: Site | None = None,
    advice: bool = False,
    space: Space | None = None,
) -> DeskSession:
    """Start serving: end any open session, then record what the official serves now.

    ``space`` is the booth the official takes for the session (on site only).
    """
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
    if space is not None:
        _check_space(space, None if remote else site)
    with transaction.atomic():
        DeskSession.objects.filter(official=official, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        try:
            with transaction.atomic():
                session = DeskSession.objects.create(
                    official=official,
                    site=None if remote else site,
                    remote=remote,
                    advice=advice,
                    space=space,
                )
        except IntegrityError:
            raise _booth_taken() from None
        session.services.set(chosen)
    return session


def _check_space(space: Space, site: Site | None) -> None:
    if site is None:
        raise QueueError(
            "space", _("A booth is taken on site: by video the customer's room is used."), 400
        )
    if space.site_id != site.pk or not space.active:
        raise QueueError("space", _("Choose a booth at the service point where you serve."), 400)


def _booth_taken() -> QueueError:
    return QueueError("space", _("Another official has taken this booth for their session."))


def _open_session(official: StaffProfile) -> DeskSession:
    """The official's open session, locked, or the refusal to act without one."""
    session = (
        DeskSession.objects.select_for_update()
        .filter(official=official, ended_at__isnull=True)
        .first()
    )
    if session is None:
        raise QueueError("session", _("Start serving first: choose your services."))
    return session


def desk_session_take_space(*, official: StaffProfile, space: Space | None) -> DeskSession:
    """Take a booth for the rest of the session (``None``: any free suitable space)."""
    with transaction.atomic():
        session = _open_session(official)
        if space is not None:
            _check_space(space, session.site)
        session.space = space
        try:
            with transaction.atomic():
                session.save(update_fields=["space"])
        except IntegrityError:
            raise _booth_taken() from None
    return session


def desk_session_pause(*, official: StaffProfile) -> DeskSession:
    """Go on a break: nobody is called to this official and estimates stop counting them."""
    with transaction.atomic():
        session = _open_session(official)
        if Ticket.objects.filter(called_by=official, state__in=HOLDING_STATES).exists():
            raise QueueError("session", _("Finish or park your current customer first."))
        if session.paused_at is None:
            session.paused_at = timezone.now()
            session.save(update_fields=["paused_at"])
    return session


def desk_session_resume(*, official: StaffProfile) -> DeskSession:
    """Back from the break: customers can be called again."""
    with transaction.atomic():
        session = _open_session(official)
        if session.paused_at is not None:
            session.paused_at = None
            session.save(update_fields=["paused_at"])
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
    return Scope(
        frozenset(services),
        sites,
        session.remote,
        space=session.space_id,
        on_break=session.paused_at is not None,
    )
