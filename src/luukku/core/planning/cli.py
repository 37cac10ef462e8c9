"""``luukku plan`` and ``luukku simulate``: the planners' console tools.

Bad input prints one line naming the row and field and exits with 2; output files
are written to a temp file and renamed, so nothing is half-written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .inputs import PlanningInputError, load_defaults, parse_forecast, parse_stock


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="luukku", description="Space programme and staffing from a visitor forecast."
    )
    sub = p.add_subparsers(dest="command", required=True)

    def common(s: argparse.ArgumentParser) -> None:
        s.add_argument("forecast", help="CSV with the columns agency,annual_visits")
        s.add_argument("--size", default="L", choices=("L", "M", "S", "XS"))
        s.add_argument("--defaults", help="JSON file overriding the shipped defaults")
        s.add_argument("--scenario", action="append", default=[], metavar="NAME:KEY=VAL,...",
                       help="e.g. 'quiet:forecast=0.7' or 'evening:hours=2,remote=0.2'")  # fmt: skip

    s = sub.add_parser(
        "plan",
        help="space programme from a forecast",
        epilog="luukku plan [FORECAST] --measured SLUG plans a service point from its measured "
        "usage in the database instead (luukku.planning.cli).",
    )
    common(s)
    s.add_argument("--existing", help="CSV with the columns space_type,count,area_m2")
    s.add_argument("--xlsx", help="write the programme to this .xlsx file")
    s.add_argument("--json", help="write the plan to this JSON file")
    s = sub.add_parser("simulate", help="discrete-event simulation of the planned site")
    common(s)
    s.add_argument("--horizon", default="week", choices=("day", "week", "year"))
    s.add_argument("--replications", type=int, default=10)
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument("--json")
    return p


def parse_scenario(spec: str):
    """``NAME:forecast=0.7,remote=0.2,hours=2,booked=0.1`` to a Scenario."""
    from .dimensioning import Scenario

    name, _, body = spec.partition(":")
    if not body:
        raise PlanningInputError(
            "expected NAME:KEY=VALUE,...", row=f"scenario {spec!r}", field="scenario"
        )
    keys = {
        "forecast": "forecast_factor",
        "remote": "remote_share_add",
        "booked": "booked_share_add",
        "hours": "extra_hours",
    }
    values = {}
    for part in body.split(","):
        key, _, raw = part.partition("=")
        key = key.strip()
        if key not in keys:
            raise PlanningInputError(
                f"unknown key; use {', '.join(keys)}", row=f"scenario {name!r}", field=key
            )
        try:
            values[keys[key]] = int(raw) if key == "hours" else float(raw)
        except ValueError:
            raise PlanningInputError(
                f"not a number: {raw!r}", row=f"scenario {name!r}", field=key
            ) from None
    return Scenario(name=name.strip() or "scenario", **values)


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanningInputError(f"cannot read {what} file {path}: {exc}") from None


def _run(args: argparse.Namespace) -> int:
    from . import report
    from .dimensioning import STANDARD_SCENARIOS, build_config, compare_scenarios, plan

    forecast = parse_forecast(_read(args.forecast, "forecast"))
    defaults = load_defaults(args.defaults)
    scenarios = tuple(parse_scenario(s) for s in args.scenario) or STANDARD_SCENARIOS

    if args.command == "plan":
        stock = parse_stock(_read(args.existing, "stock")) if args.existing else None
        results = compare_scenarios(forecast, args.size, defaults, scenarios, stock)
        print(report.plan_text(results))
        if args.xlsx:
            from .xlsx import write_xlsx

            write_xlsx(results, defaults, args.xlsx)
        if args.json:
            report.write_json({"plans": [report.plan_to_dict(r) for r in results]}, args.json)
        return 0

    import numpy as np

    from .sitesim import simulate_site, site_from_plan

    if args.replications < 2:
        raise PlanningInputError(
            "need at least 2 replications for an interval", field="replications"
        )
    config = build_config(forecast, args.size, defaults)
    site = site_from_plan(config, plan(config), args.horizon)
    total = len(site.days) * args.replications
    with _ProgressLine(total, "simulated days") as progress:
        result = simulate_site(
            site, args.replications, np.random.default_rng(args.seed), progress.update
        )
    print(report.sim_text(result, args.horizon))
    if args.json:
        report.write_json(report.sim_to_dict(result), args.json)
    return 0


class _ProgressLine:
    """``simulated days 120/520`` on stderr, rewritten in place and wiped at the end.

    A planner running a year's simulation sees that it moves; a short run, or one whose
    stderr is not a terminal (a script, a log), gets no line at all.
    """

    def __init__(self, total: int, label: str, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.label, self.done = total, label, 0
        self.shown = total >= 50 and self.stream.isatty()
        self.width = 0

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.shown:
            line = f"{self.label} {self.done}/{self.total}"
            self.width = len(line)
            self.stream.write(f"\r{line}")
            self.stream.flush()

    def __enter__(self) -> _ProgressLine:
        return self

    def __exit__(self, *exc) -> None:
        if self.shown and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except PlanningInputError as exc:
        print(f"luukku {args.command}: {exc}", file=sys.stderr)
        return 2
