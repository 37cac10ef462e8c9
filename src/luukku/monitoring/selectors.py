"""Reads: report tables summed from the daily aggregates (never from visits or tickets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from luukku.advice.models import AdviceContact, Outcome
from luukku.booking.models import Channel
from luukku.core.monitoring.chains import SEPARATOR, ChainFigures, pairs
from luukku.core.monitoring.figures import EDGES, Figures, combine
from luukku.feedback.models import Feedback
from luukku.monitoring.models import DailyAggregate, DailyChainSequence
from luukku.monitoring.services import day_bounds
from luukku.registry.models import Agency, Region, Service, Site

PERIODS = ("day", "week", "month")
#: Levels of place: a point, its municipality, its region (maakunta), the whole network.
LEVELS = ("site", "municipality", "region", "network")

_ADDITIVE = (
    "walk_in", "booked", "chained", "no_show", "cancelled", "served", "wait_count",
    "wait_sum_s", "wait_hist", "service_count", "service_sum_s",
)  # fmt: skip


@dataclass(frozen=True)
class ReportRow:
    period: str
    place: str
    agency: str
    channel: str
    figures: Figures
    service: str = ""  # with ``by_service`` only


def period_key(day: date, period: str) -> str:
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def period_days(date_from: date, date_to: date, period: str) -> dict[str, int]:
    """How many days of [date_from, date_to] each period of the report holds."""
    out: dict[str, int] = {}
    for n in range((date_to - date_from).days + 1):
        key = period_key(date_from + timedelta(days=n), period)
        out[key] = out.get(key, 0) + 1
    return out


def places(level: str) -> dict[int, str]:
    """Each point's place at ``level``, named in the page's language."""
    if level == "network":
        network = _("Whole network")
        return {pk: network for pk in Site.objects.values_list("pk", flat=True)}
    regions, none = dict(Region.choices), _("No region")
    return {
        s.pk: s.name
        if level == "site"
        else s.municipality
        if level == "municipality"
        else str(regions.get(s.region, none))
        for s in Site.objects.all()
    }


def report(
    *,
    date_from: date,
    date_to: date,
    site_ids: frozenset[int] | None,
    agency_id: int | None = None,
    period: str = "month",
    level: str = "site",
    by_service: bool = False,
) -> list[ReportRow]:
    """Rows per period × place × agency (× service) × channel, and a last row for the total.

    ``site_ids`` None means every site. The figures of a row are the sums of its
    daily rows, so a region's row equals the sum of its points' rows.
    """
    qs = DailyAggregate.objects.filter(day__gte=date_from, day__lte=date_to)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    channels = dict(Channel.choices)
    info_desk = _("Info desk")
    # Summed in place (one list of sums and one histogram per group): a year of a
    # region is some 100,000 daily rows.
    sums: dict[tuple, list[int]] = {}
    hists: dict[tuple, list[int]] = {}
    periods: dict[date, str] = {}
    hist_at = _ADDITIVE.index("wait_hist")
    scalars = [f for f in _ADDITIVE if f != "wait_hist"]
    # Names by id, read through the models so that they are in the page's language
    # (``values_list("agency__name")`` would read the untranslated column).
    place_of = places(level)
    agency_names = {a.pk: a.name for a in Agency.objects.all()}
    service_names = {s.pk: s.name for s in Service.objects.all()} if by_service else {}
    fields = ("day", "site_id", "agency_id", "service_id", "channel", *_ADDITIVE)
    for row in qs.values_list(*fields).iterator(chunk_size=5000):
        day, site_id, agency_id, service_id, channel, *values = row
        agency_name = agency_names.get(agency_id)
        if day not in periods:
            periods[day] = period_key(day, period)
        service = service_names.get(service_id, "") if by_service else ""
        key = (periods[day], place_of[site_id], agency_name or info_desk, service, channel)
        hist = values.pop(hist_at)
        total = sums.get(key)
        if total is None:
            sums[key] = values
            hists[key] = [*hist, *[0] * (len(EDGES) - len(hist))]
        else:
            for i, v in enumerate(values):
                total[i] += v
            acc = hists[key]
            for i, c in enumerate(hist):
                acc[i] += c
    rows = [
        ReportRow(
            key[0],
            key[1],
            key[2],
            str(channels[key[4]]),
            Figures(**dict(zip(scalars, sums[key], strict=True)), wait_hist=hists[key]),
            key[3],
        )
        for key in sorted(sums)
    ]
    if rows:
        rows.append(ReportRow(_("Total"), "", "", "", combine(r.figures for r in rows)))
    return rows


def one_decimal(value: float | None) -> str:
    """A derived figure as table text: one decimal, empty when there is none."""
    return "" if value is None else f"{value:.1f}"


def percent(value: float | None) -> str:
    """A share (0–1) as a whole percentage, empty when there is none."""
    return "" if value is None else f"{100 * value:.0f}"


def columns(by_service: bool = False) -> list[str]:
    return [
        _("Period"),
        _("Place"),
        _("Agency"),
        *([_("Service")] if by_service else []),
        _("Channel"),
        _("Walk-in"),
        _("Booked"),
        _("Passed on"),
        _("No-shows"),
        _("Cancelled"),
        _("Served"),
        _("Mean wait (min)"),
        _("Median wait (min)"),
        _("90th percentile wait (min)"),
        _("Called within 15 min (%)"),
        _("Mean service time (min)"),
    ]


def table(rows: list[ReportRow], by_service: bool = False) -> list[list[object]]:
    """The report as cells (numbers as numbers, derived figures rounded as text)."""
    out = []
    for r in rows:
        f = r.figures
        out.append(
            [
                r.period,
                r.place,
                r.agency,
                *([r.service] if by_service else []),
                r.channel,
                f.walk_in,
                f.booked,
                f.chained,
                f.no_show,
                f.cancelled,
                f.served,
                one_decimal(f.mean_wait_min()),
                one_decimal(f.median_wait_min()),
                one_decimal(f.p90_wait_min()),
                percent(f.within_target_share()),
                one_decimal(f.mean_service_min()),
            ]
        )
    return out


def _in_period(manager, at: str, date_from, date_to, site_ids, agency_id):
    """Rows whose ``at`` time falls on the local days asked, at the points and agency."""
    qs = manager.filter(
        **{f"{at}__gte": day_bounds(date_from)[0], f"{at}__lt": day_bounds(date_to)[1]}
    )
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs


@dataclass(frozen=True)
class AdviceRow:
    agency: str
    outcome: str
    contacts: int
    mean_minutes: str


def advice_summary(
    *, date_from: date, date_to: date, site_ids: frozenset[int] | None, agency_id: int | None
) -> list[AdviceRow]:
    """Info-desk contacts per agency and outcome (the rows hold no personal data)."""
    qs = _in_period(AdviceContact.objects, "recorded_at", date_from, date_to, site_ids, agency_id)
    outcomes = dict(Outcome.choices)
    general = _("General advice")
    agency_names = {a.pk: a.name for a in Agency.objects.all()}
    rows = sorted(
        qs.values("agency_id", "outcome").annotate(n=Count("pk"), mean=Avg("duration_s")),
        key=lambda r: (agency_names.get(r["agency_id"], ""), r["outcome"]),
    )
    return [
        AdviceRow(
            agency_names.get(r["agency_id"]) or general,
            str(outcomes.get(r["outcome"], r["outcome"])),
            r["n"],
            one_decimal(r["mean"] / 60 if r["mean"] is not None else None),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class FeedbackRow:
    place: str
    agency: str
    answers: int
    mean_score: str


def feedback_summary(
    *, date_from: date, date_to: date, site_ids: frozenset[int] | None, agency_id: int | None
) -> tuple[list[FeedbackRow], list[Feedback]]:
    """Feedback per point and agency (count, mean score), and the latest comments.

    The comments are for the point's staff on this page only, never on a public page.
    """
    qs = _in_period(Feedback.objects, "created_at", date_from, date_to, site_ids, agency_id)
    sites = {s.pk: s.name for s in Site.objects.all()}
    agencies = {a.pk: a.name for a in Agency.objects.all()}
    whole = _("The point as a whole")
    rows = sorted(
        (
            FeedbackRow(
                sites[r["site_id"]],
                agencies.get(r["agency_id"]) or whole,
                r["n"],
                f"{r['mean']:.1f}",
            )
            for r in qs.values("site_id", "agency_id").annotate(n=Count("pk"), mean=Avg("score"))
        ),
        key=lambda r: (r.place, r.agency),
    )
    comments = list(
        qs.exclude(comment="").select_related("site", "agency").order_by("-created_at")[:20]
    )
    return rows, comments


@dataclass(frozen=True)
class ChainSummary:
    passed_on: int
    booked: int
    sequences: list[tuple[str, int, str]]  # agencies in order, visits, mean hand-over (min)
    pairs: list[tuple[str, str, int]]  # from, to, visits

    @property
    def visits(self) -> int:
        return self.passed_on + self.booked


def chain_summary(
    *, date_from: date, date_to: date, site_ids: frozenset[int] | None, limit: int = 10
) -> ChainSummary:
    """Customers served by two or more agencies in one visit: how many, in which order,
    and how long the hand-over took (from the daily chain rows)."""
    qs = DailyChainSequence.objects.filter(day__gte=date_from, day__lte=date_to)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    by_kind = {DailyChainSequence.Kind.PASSED_ON: 0, DailyChainSequence.Kind.BOOKED: 0}
    sequences: dict[str, ChainFigures] = {}
    for kind, sequence, visits, handovers, total in qs.values_list(
        "kind", "sequence", "visits", "handovers", "handover_sum_s"
    ):
        by_kind[kind] += visits
        sequences.setdefault(sequence, ChainFigures()).add(ChainFigures(visits, handovers, total))
    names = {a.code: a.name for a in Agency.objects.all()}

    def named(sequence: str) -> str:
        return " → ".join(names.get(code, code) for code in sequence.split(SEPARATOR))

    top = sorted(sequences.items(), key=lambda kv: (-kv[1].visits, kv[0]))[:limit]
    top_pairs = sorted(pairs(sequences).items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return ChainSummary(
        passed_on=by_kind[DailyChainSequence.Kind.PASSED_ON],
        booked=by_kind[DailyChainSequence.Kind.BOOKED],
        sequences=[(named(k), f.visits, one_decimal(f.mean_handover_min())) for k, f in top],
        pairs=[(names.get(a, a), names.get(b, b), n) for (a, b), n in top_pairs],
    )
