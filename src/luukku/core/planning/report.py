"""Plain-data and text views of plans and simulations (for JSON, API and CLI)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from .dimensioning import UNSTABLE, Finding, PlanResult
from .inputs import MAX_SERVERS
from .simulation import Estimate
from .sitesim import SimResult


def plan_to_dict(result: PlanResult) -> dict:
    return {
        "size": result.size,
        "scenario": asdict(result.scenario),
        "peak_month": result.peak_month,
        "peak_day": result.peak_day,
        "hours": list(result.hours),
        "arrivals_peak_day": {k: [round(x, 3) for x in v] for k, v in result.arrivals.items()},
        "officials_peak_day": {k: list(v) for k, v in result.officials_peak_day().items()},
        "pooled": [asdict(x) for x in result.pooled.lines],
        "separate": [asdict(x) for x in result.separate.lines],
        "pooled_total_m2": result.pooled.total_m2,
        "pooled_total_htm2": result.pooled.total_htm2,
        "separate_total_m2": result.separate.total_m2,
        "separate_total_htm2": result.separate.total_htm2,
        "saving_m2": result.saving_m2,
        "saving_share": result.saving_share,
        "waiting_seats": result.waiting_seats,
        "persons_waiting_peak": result.persons_waiting_peak,
        "person_years": result.person_years,
        "office_htm2_target": result.office_htm2_target,
        "expected_service_level": result.expected_service_level,
        "development": [asdict(x) for x in result.development] if result.development else None,
        "findings": [asdict(x) for x in result.findings],
        "queues": [{**asdict(x), "stable": x.stable} for x in result.queues],
    }


RESOURCE_NAMES = {
    "official": "officials",
    "advice_point": "advice point",
    "terminal": "self-service terminals",
    "booth": "booths",
    "service_room": "service rooms",
    "meeting_room": "meeting rooms",
    "remote_room": "remote-service rooms",
}


def finding_text(f: Finding) -> str:
    """One line a planner can act on: which resource, what fails, when, by how much."""
    who = (
        f"{RESOURCE_NAMES.get(f.resource, f.resource)} of {f.agency}"
        if f.agency
        else (f"{RESOURCE_NAMES.get(f.resource, f.resource)} (shared)")
    )
    when = f"{f.day} {f.hour}-{f.hour + 1}"
    if f.problem == UNSTABLE:
        what = (
            f"queue unstable: {f.load:.1f} Erlangs offered {when}, the cap allows {f.cap}"
            " servers, so the queue grows all hour"
        )
    else:
        what = f"service target not met {when}: the cap allows {f.cap} servers"
    need = f"; the target needs {f.needed}" if f.needed is not None else ""
    if f.needed is None and f.cap >= MAX_SERVERS:
        need = f"; beyond the planner's limit of {MAX_SERVERS} servers, check the forecast"
    return f"{who}: {what}{need}"


def _est(e: Estimate) -> dict:
    return {"mean": e.mean, "ci95": [e.low, e.high], "replications": e.replications}


def sim_to_dict(result: SimResult) -> dict:
    return {
        "customers": result.customers,
        "mean_wait_min": _est(result.mean_wait),
        "p90_wait_min": _est(result.p90_wait),
        "service_level": _est(result.service_level),
        "utilisation": result.utilisation,
        "max_waiting_persons": result.max_waiting_persons,
        "p90_waiting_persons_peak_hour": (
            _est(result.p90_waiting_persons) if result.p90_waiting_persons else None
        ),
    }


def write_json(data: object, path: str | Path) -> None:
    """Write atomically so a failed run leaves no half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(suffix=".json", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plan_text(results: tuple[PlanResult, ...]) -> str:
    base = results[0]
    out = [
        f"Space programme, size {base.size} (peak month {base.peak_month}, peak day {base.peak_day})",
        "",
    ]
    out.append(f"{'space type':<16}{'pooled':>8}{'m2':>9}{'htm2':>9}{'separate':>10}{'m2':>9}")
    for line in base.pooled.lines:
        sep = next(x for x in base.separate.lines if x.space_type == line.space_type)
        out.append(
            f"{line.space_type:<16}{line.count:>8}{line.m2:>9.1f}{line.htm2:>9.1f}{sep.count:>10}{sep.m2:>9.1f}"
        )
    out.append(
        f"{'total':<16}{'':>8}{base.pooled.total_m2:>9.1f}{base.pooled.total_htm2:>9.1f}{'':>10}{base.separate.total_m2:>9.1f}"
    )
    out.append("")
    out.append(f"Saving from sharing: {base.saving_m2:.1f} m2 ({base.saving_share:.0%})")
    out.append(
        f"Person-years on site: {base.person_years:.1f}; office target {base.office_htm2_target:.0f} htm2 at 10 htm2/person-year"
    )
    out.append(f"Expected share served within target: {base.expected_service_level:.1%}")
    for r in results:
        if r.findings:
            out += [
                "",
                f"Findings ({r.scenario.name}): the plan could not size these to the target",
            ]
            out += [f"  {finding_text(f)}" for f in r.findings]
    if base.development:
        out += ["", "Development need (need - existing):"]
        for d in base.development:
            out.append(
                f"  {d.space_type:<16}{d.need:>5} - {d.existing:<5}= {d.change:+d}   {d.change_m2:+.1f} m2"
            )
        out.append(f"  total {sum(d.change_m2 for d in base.development):+.1f} m2")
    if len(results) > 1:
        out += ["", "Scenarios (pooled m2 / separate m2):"]
        for r in results:
            out.append(
                f"  {r.scenario.name:<20}{r.pooled.total_m2:>9.1f}{r.separate.total_m2:>9.1f}"
            )
    return "\n".join(out)


def sim_text(result: SimResult, horizon: str) -> str:
    def f(e: Estimate, fmt: str = ".2f") -> str:
        return f"{e.mean:{fmt}} [{e.low:{fmt}}, {e.high:{fmt}}]"

    out = [
        f"Simulated {horizon}: {result.customers} agency services, {result.mean_wait.replications} replications",
        f"mean wait (min)       {f(result.mean_wait)}",
        f"90th pct wait (min)   {f(result.p90_wait)}",
        f"service level         {f(result.service_level, '.3f')}",
        f"most persons waiting  {result.max_waiting_persons}",
        *(
            [
                f"persons waiting, 90th pct of the busiest hour  {f(result.p90_waiting_persons, '.1f')}"
            ]
            if result.p90_waiting_persons
            else []
        ),
        "utilisation: " + ", ".join(f"{k} {v:.0%}" for k, v in result.utilisation.items()),
    ]
    return "\n".join(out)
