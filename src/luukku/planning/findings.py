"""The core's findings (``core.planning.dimensioning.Finding``) in the reader's language."""

from __future__ import annotations

from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from luukku.core.planning.dimensioning import DAYS, UNSTABLE
from luukku.core.planning.inputs import MAX_SERVERS


def _resource(resource: str, agency: str | None) -> str:
    if resource == "official":
        return _("Officials of %(agency)s") % {"agency": agency}
    names = {
        "advice_point": _("Advice point (shared)"),
        "terminal": _("Self-service terminals (shared)"),
        "booth": _("Screened booths (shared)"),
        "service_room": _("Service rooms (shared)"),
        "meeting_room": _("Meeting rooms (shared)"),
        "remote_room": _("Remote-service rooms (shared)"),
    }
    return names.get(resource, resource)


def finding_message(f) -> str:
    """One sentence per finding: resource, what fails, when, and what would fix it."""
    params = {
        "resource": _resource(f.resource, f.agency),
        "day": WEEKDAYS[DAYS.index(f.day)],
        "hours": f"{f.hour}–{f.hour + 1}",
        "load": number_format(round(f.load, 1), 1, use_l10n=True),
        "cap": f.cap,
    }
    if f.problem == UNSTABLE:
        text = (
            _(
                "%(resource)s: the queue is unstable on %(day)s %(hours)s: %(load)s Erlangs are "
                "offered but at most %(cap)s servers are allowed, so the queue grows all hour."
            )
            % params
        )
    else:
        text = (
            _(
                "%(resource)s: the service target is not met on %(day)s %(hours)s with at most "
                "%(cap)s servers."
            )
            % params
        )
    if f.needed is not None:
        text += " " + _("The target needs %(needed)s.") % {"needed": f.needed}
    elif f.cap >= MAX_SERVERS:
        text += " " + _("More than %(limit)s servers would be needed: check the forecast.") % {
            "limit": MAX_SERVERS
        }
    return text
