"""What a plan says, in the reader's language: the core's findings
(``core.planning.dimensioning.Finding``), where the stock is over- or under-sized, and
how a point's measured load compares with its plan (``comparison.Comparison``). The
planner page and ``luukku plan --measured`` both word them here.
"""

from __future__ import annotations

import math

from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from luukku.core.planning.dimensioning import DAYS, UNSTABLE
from luukku.core.planning.inputs import MAX_SERVERS

from .forms import space_labels
from .templatetags.planning_format import percent

#: A measured service time this much off the planned one is worth a sentence.
SERVICE_TIME_GAP = 0.2
#: As is a busiest hour this much sharper or flatter than planned: it sizes the spaces.
PEAK_GAP = 0.1
#: As is a share of arrivals this large outside the opening hours.
OUTSIDE_SHARE = 0.02


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


def hours_text(hour: int) -> str:
    return f"{hour}–{hour + 1}"


def weekday_name(index: int) -> str:
    return str(WEEKDAYS[index])


def sizing_verdict(development) -> tuple[list[str], list[str]]:
    """The space types short of the need and those beyond it, as ``name (+2)``/``(-1)``."""
    labels = space_labels()
    under = [
        f"{labels.get(x.space_type, x.space_type)} (+{x.change})"
        for x in development
        if x.change > 0
    ]
    over = [
        f"{labels.get(x.space_type, x.space_type)} ({x.change})"
        for x in development
        if x.change < 0
    ]
    return under, over


def _peak_differs(measured: float, planned: float, n: int) -> bool:
    """A gap of at least ``PEAK_GAP`` of the planned share and beyond counting noise
    (two standard errors of a share of ``n`` arrivals)."""
    noise = 2 * math.sqrt(planned * (1 - planned) / n) if n else math.inf
    return abs(measured - planned) >= max(PEAK_GAP * planned, noise)


def comparison_messages(c) -> list[str]:
    """What a planner should read first in a measured-against-planned comparison."""
    under, over = sizing_verdict(c.development)
    out = []
    if under:
        out.append(
            _("Under-sized for the measured load: %(spaces)s.") % {"spaces": ", ".join(under)}
        )
    if over:
        out.append(
            _("More than the measured load needs: %(spaces)s.") % {"spaces": ", ".join(over)}
        )
    if not under and not over:
        out.append(_("The existing stock matches the measured load."))
    for a in c.agencies:
        if (
            a.service_measured is not None
            and a.service_planned
            and (abs(a.service_measured - a.service_planned) > SERVICE_TIME_GAP * a.service_planned)
        ):
            out.append(
                _("%(agency)s: a service takes %(measured)s min measured, %(planned)s min planned.")
                % {
                    "agency": a.code,
                    "measured": number_format(round(a.service_measured, 1), 1, use_l10n=True),
                    "planned": number_format(round(a.service_planned, 1), 1, use_l10n=True),
                }
            )
        m_peak, p_peak = a.peak_hour_measured, a.peak_hour_planned
        if (
            m_peak
            and a.profile_from == "agency"
            and abs(m_peak[1] - p_peak[1]) >= (PEAK_GAP * p_peak[1])
        ):
            out.append(
                _(
                    "%(agency)s: the busiest hour takes %(measured)s of the day's arrivals "
                    "measured (%(measured_hour)s), %(planned)s planned (%(planned_hour)s)."
                )
                % {
                    "agency": a.code,
                    "measured": percent(m_peak[1]),
                    "measured_hour": hours_text(m_peak[0]),
                    "planned": percent(p_peak[1]),
                    "planned_hour": hours_text(p_peak[0]),
                }
            )
    m = c.measured
    if m.outside_share >= OUTSIDE_SHARE:
        out.append(
            _(
                "%(share)s of the arrivals came outside the opening hours %(hours)s; they count "
                "in the nearest open hour."
            )
            % {"share": percent(m.outside_share, 1), "hours": f"{m.open_hour}–{m.close_hour}"}
        )
    if m.weekend_share > 0:
        out.append(
            _(
                "%(share)s of the arrivals came at a weekend, which the plan's Monday-to-Friday "
                "week leaves out."
            )
            % {"share": percent(m.weekend_share, 1)}
        )
    return out
