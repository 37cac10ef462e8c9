"""Keep the registry snapshot honest: any write to what it holds changes the version token.

This is cache invalidation only; no business logic lives in signals.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from luukku.booking.models import BookingPolicy
from luukku.registry import models as m


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after; once is enough
    m.RegistryVersion.bump()


def connect() -> None:
    watched = [
        m.Agency,
        m.Service,
        m.Schedule,
        m.OpeningPeriod,
        m.HostOrganisation,
        m.Site,
        m.Space,
        m.StaffProfile,
        m.Interpreter,
        m.OpeningException,
        m.BusStop,
        m.Equipment,
        BookingPolicy,
    ]
    for model in watched:
        post_save.connect(_bump, sender=model, dispatch_uid=f"snapshot-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"snapshot-delete-{model.__name__}")
    for through in (
        m.Service.equipment.through,
        m.Site.agencies_on_site.through,
        m.Site.agencies_remote.through,
        m.Space.equipment.through,
        m.StaffProfile.services.through,
        m.StaffProfile.sites.through,
        m.Interpreter.sites.through,
    ):
        m2m_changed.connect(_bump, sender=through, dispatch_uid=f"snapshot-m2m-{through.__name__}")
