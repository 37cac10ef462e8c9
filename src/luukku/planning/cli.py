"""``luukku plan --measured SLUG``: the plan from a point's measured usage, beside its plan.

The core's ``luukku plan`` needs no database; with ``--measured`` the console command
routes here (``luukku.cli``), reads the point's last 12 months from the daily
aggregates, prints the same report as ``luukku plan`` for the measured inputs (visits,
service times, hour-of-day and weekday profiles; the point's space stock from the
registry unless ``--existing`` names one), and then measured against planned: the
plan is FORECAST if given, else the measured visits, with the national defaults. The
words are the planner page's (``findings``). Bad input prints one line naming the
field and exits with 2, as ``luukku plan`` does.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import date

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from luukku.core.planning import report
from luukku.core.planning.cli import parse_scenario
from luukku.core.planning.dimensioning import STANDARD_SCENARIOS, compare_scenarios
from luukku.core.planning.inputs import (
    SIZES,
    PlanningInputError,
    load_defaults,
    parse_forecast,
    parse_stock,
)
from luukku.core.planning.xlsx import write_xlsx
from luukku.monitoring.services import local_today
from luukku.registry.models import Site

from .comparison import Comparison, compare
from .findings import comparison_messages, hours_text, weekday_name
from .forms import space_labels
from .measured import measured_usage, site_stock_rows
from .templatetags.planning_format import percent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="luukku plan",
        description="Space programme from a point's measured usage, against its plan.",
    )
    p.add_argument("forecast", nargs="?", help="the plan: CSV agency,annual_visits (optional)")
    p.add_argument("--measured", required=True, metavar="SLUG", help="the service point")
    p.add_argument("--today", help="YYYY-MM-DD: the 12 months before it (default: today)")
    p.add_argument("--size", choices=SIZES, help="default: the point's size")
    p.add_argument("--defaults", help="JSON file overriding the shipped defaults")
    p.add_argument("--scenario", action="append", default=[], metavar="NAME:KEY=VAL,...")
    p.add_argument("--existing", help="CSV space_type,count,area_m2 (default: the registry's)")
    p.add_argument("--xlsx", help="write the measured programme to this .xlsx file")
    p.add_argument("--json", help="write the plans and the comparison to this JSON file")
    p.add_argument("--language", choices=("en", "fi", "sv"), default="en")
    return p


def _read(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanningInputError(f"cannot read {what} file {path}: {exc}") from None


def _today(text: str | None) -> date:
    if not text:
        return local_today(timezone.now())
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PlanningInputError(f"not a date (YYYY-MM-DD): {text!r}", field="today") from None


def _site(slug: str) -> Site:
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        raise PlanningInputError(f"no service point with the slug {slug!r}", field="measured")
    return site


def _num(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def _peak(hour: tuple[int, float] | None) -> str:
    return f"{hours_text(hour[0])} ({percent(hour[1])})" if hour else "–"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join
    out = [
        line(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    ]
    for r in rows:
        out.append(line(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))  # fmt: skip
    return out


def comparison_text(c: Comparison) -> str:
    """Measured against planned as plain text, in the active language."""
    m = c.measured
    out = [
        _("Measured at %(site)s, %(start)s–%(end)s: %(days)s days on record, %(n)s arrivals "
          "counted; the plan's day %(hours)s.")
        % {"site": m.site.name, "start": m.date_from.isoformat(), "end": m.date_to.isoformat(),
           "days": m.days, "n": _num(m.arrivals), "hours": f"{m.open_hour}–{m.close_hour}"},
        "",
        _("Measured against planned"),
    ]  # fmt: skip
    source = {
        "agency": _("own"),
        "point": _("the point's"),
        "default": _("national"),
    }
    out += _table(
        [_("Agency"), _("Visits, measured"), _("planned"), _("Service min, measured"),
         _("planned"), _("Busiest hour, measured"), _("planned"), _("Busiest day, measured"),
         _("planned"), _("Profile")],
        [[a.code, _num(a.visits_measured), _num(a.visits_planned), _num(a.service_measured, 1),
          _num(a.service_planned, 1), _peak(a.peak_hour_measured), _peak(a.peak_hour_planned),
          weekday_name(a.peak_day_measured[0]) if a.peak_day_measured else "–",
          weekday_name(a.peak_day_planned[0]), source[a.profile_from]]
         for a in c.agencies],
    )  # fmt: skip
    planned = dict(c.hourly_planned)
    measured = dict(c.hourly_measured or ())
    out += ["", _("Share of the arrivals per hour")]
    out += _table(
        [_("Hour"), _("measured"), _("planned")],
        [[hours_text(h), percent(measured[h], 1) if h in measured else "–",
          percent(planned.get(h, 0), 1)] for h in c.hours],
    )  # fmt: skip
    out += ["", _("Share of the week's arrivals per weekday")]
    out += _table(
        [_("Weekday"), _("measured"), _("planned")],
        [[weekday_name(i),
          percent(c.weekday_measured[i], 1) if c.weekday_measured else "–",
          percent(c.weekday_planned[i], 1)] for i in range(5)],
    )  # fmt: skip
    labels = space_labels()
    out += ["", _("Space need for the measured load and for the plan, against the stock")]
    out += _table(
        [_("Space type"), _("measured"), _("planned"), _("existing"), _("change")],
        [[str(labels.get(s.space_type, s.space_type)), str(s.measured_need), str(s.planned_need),
          "–" if s.existing is None else str(s.existing),
          "–" if s.change is None else f"{s.change:+d}"] for s in c.spaces],
    )  # fmt: skip
    out += ["", *comparison_messages(c)]
    return "\n".join(out)


def comparison_dict(c: Comparison) -> dict:
    m = c.measured
    return {
        "site": m.site.slug,
        "date_from": m.date_from.isoformat(),
        "date_to": m.date_to.isoformat(),
        "days": m.days,
        "arrivals": m.arrivals,
        "hours": list(c.hours),
        "agencies": [asdict(a) for a in c.agencies],
        "hourly_measured": dict(c.hourly_measured) if c.hourly_measured else None,
        "hourly_planned": dict(c.hourly_planned),
        "weekday_measured": list(c.weekday_measured) if c.weekday_measured else None,
        "weekday_planned": list(c.weekday_planned),
        "spaces": [asdict(s) for s in c.spaces],
        "planned_plan": report.plan_to_dict(c.planned_plan),
    }


def _run(args: argparse.Namespace) -> int:
    site = _site(args.measured)
    today = _today(args.today)
    defaults = load_defaults(args.defaults)
    planned = parse_forecast(_read(args.forecast, "forecast")) if args.forecast else None
    stock = parse_stock(_read(args.existing, "stock")) if args.existing else site_stock_rows(site)
    scenarios = tuple(parse_scenario(s) for s in args.scenario) or STANDARD_SCENARIOS
    size = args.size or site.size
    measured = measured_usage(site, today, defaults)
    c = compare(
        measured,
        defaults=defaults,
        size=size,
        stock=stock,
        planned_visits={r.agency: r.annual_visits for r in planned} if planned else None,
    )
    mine = c.measured_defaults
    results = compare_scenarios(c.measured_forecast, size, mine, scenarios, stock)
    print(
        _("Planned from the measured usage of %(site)s (the 12 months to %(end)s)")
        % {"site": site.name, "end": measured.date_to.isoformat()}
    )
    print(report.plan_text(results))
    print()
    print(comparison_text(c))
    if args.xlsx:
        write_xlsx(results, mine, args.xlsx)
    if args.json:
        report.write_json(
            {"plans": [report.plan_to_dict(r) for r in results], "comparison": comparison_dict(c)},
            args.json,
        )
    return 0


def main(argv: list[str]) -> int:
    """Run ``luukku plan --measured ...`` (``argv`` without ``plan``); the exit status."""
    args = _parser().parse_args(argv)
    with translation.override(args.language):
        try:
            return _run(args)
        except PlanningInputError as exc:
            print(f"luukku plan: {exc}", file=sys.stderr)
            return 2
