"""Parse and validate forecasts, space stock and defaults.

Every error is a ``PlanningInputError`` naming the row (or JSON key path) and the
field, so a planner can fix the file without reading a traceback.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

AGENCIES = (
    "VERO", "DVV", "AVI", "MML", "RISE", "MIGRI",
    "ELY", "POLIISI", "UO", "OA/EV", "TE", "KELA",
)  # fmt: skip
SIZES = ("L", "M", "S", "XS")
PERSONAS = ("A", "B", "C", "D", "E")
SPACE_TYPES = (
    "booth", "service_room", "remote_room", "safe_room", "meeting_room",
    "terminal", "advice_point", "waiting_seat", "workstation",
)  # fmt: skip
# Resources sized by queueing, each of which a planner may cap (``global.max_servers``).
CAPPED = (
    "official",
    "advice_point",
    "terminal",
    "booth",
    "service_room",
    "meeting_room",
    "remote_room",
)
MAX_SERVERS = 5000
MAX_ANNUAL_VISITS = 100_000_000  # per agency and site; beyond it the figure is a typo
SHARE_FIELDS = ("booked_share", "remote_share", "room_share", "meeting_share")
PROFILE_TOLERANCE = 1e-3


class PlanningInputError(ValueError):
    """Bad planner input, located by row (or key path) and field."""

    def __init__(self, message: str, *, row: int | str | None = None, field: str | None = None):
        self.row = row
        self.field = field
        self.message = message
        where = []
        if row is not None:
            where.append(f"row {row}" if isinstance(row, int) else str(row))
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class AgencyDefaults:
    code: str
    service_time_min: float
    service_time_cv: float
    booked_share: float
    remote_share: float
    group_size: float
    room_share: float
    meeting_share: float
    personas: dict[str, float]
    hourly: tuple[tuple[int, float], ...]  # (hour, share) over opening hours
    weekday: tuple[float, ...]  # Mon..Fri
    seasonal: tuple[float, ...]  # Jan..Dec


@dataclass(frozen=True)
class Defaults:
    agencies: dict[str, AgencyDefaults]
    open_hour: int
    close_hour: int
    target_service_level: float
    target_wait_min: float
    booked_arrival_scv: float
    booked_early_min: float
    weeks_per_year: float
    htm2_per_room_m2: float
    office_htm2_per_person_year: float
    service_hours_per_person_year: float
    advisor_triage_min: float
    terminal_session_min: float
    self_service_share: dict[str, float]
    advice_share: dict[str, float]
    chain_share: dict[str, float]
    workstations_per_official_on_site: float
    waiting_seat_quantile: float
    space_m2: dict[str, float]
    min_by_size: dict[str, dict[str, int]]
    remote_only_sizes: tuple[str, ...]
    sources: dict[str, str]
    max_servers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ForecastRow:
    agency: str
    annual_visits: float


@dataclass(frozen=True)
class StockRow:
    space_type: str
    count: int
    area_m2: float


# -- numbers ------------------------------------------------------------------


def _number(value: Any, *, row: int | str, field: str, minimum: float = 0.0) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PlanningInputError("missing value", row=row, field=field)
    if isinstance(value, bool):
        raise PlanningInputError(f"not a number: {value!r}", row=row, field=field)
    try:
        number = (
            float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        raise PlanningInputError(f"not a number: {value!r}", row=row, field=field) from None
    if not math.isfinite(number):
        raise PlanningInputError(f"not a finite number: {value!r}", row=row, field=field)
    if number < minimum:
        raise PlanningInputError(
            f"must be at least {minimum:g}, got {number:g}", row=row, field=field
        )
    return number


def _share(value: Any, *, row: int | str, field: str) -> float:
    share = _number(value, row=row, field=field)
    if share > 1.0:
        raise PlanningInputError(
            f"a share must be between 0 and 1, got {share:g}", row=row, field=field
        )
    return share


def _profile(values: list[float], *, row: str, field: str) -> None:
    total = sum(values)
    if abs(total - 1.0) > PROFILE_TOLERANCE:
        raise PlanningInputError(
            f"profile must sum to 1, sums to {total:.4f}", row=row, field=field
        )


# -- CSV ----------------------------------------------------------------------


def _read_csv(text: str, required: tuple[str, ...], what: str) -> list[tuple[int, dict[str, str]]]:
    text = text.lstrip("\ufeff")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise PlanningInputError(
            f"malformed {what} CSV: header must have columns {', '.join(required)}",
            row=1,
            field=missing[0],
        )
    rows = []
    for index, raw in enumerate(reader, start=2):
        if None in raw:
            raise PlanningInputError(f"malformed {what} CSV: too many columns", row=index)
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(record.values()):
            continue
        rows.append((index, record))
    return rows


def parse_forecast(text: str) -> tuple[ForecastRow, ...]:
    """Parse ``agency,annual_visits`` CSV text (row numbers count the header as 1)."""
    rows = _read_csv(text, ("agency", "annual_visits"), "forecast")
    return forecast_from_pairs([(i, r["agency"], r["annual_visits"]) for i, r in rows])


def forecast_from_pairs(pairs: list[tuple[int | str, str, Any]]) -> tuple[ForecastRow, ...]:
    """Validate ``(row, agency, visits)`` triples from a CSV, a form or JSON."""
    seen: set[str] = set()
    result = []
    for row, agency, visits in pairs:
        code = (agency or "").strip().upper()
        if not code:
            raise PlanningInputError("missing agency", row=row, field="agency")
        if code not in AGENCIES:
            raise PlanningInputError(
                f"unknown agency {agency!r}; expected one of {', '.join(AGENCIES)}",
                row=row,
                field="agency",
            )
        if code in seen:
            raise PlanningInputError(f"agency {code} given twice", row=row, field="agency")
        seen.add(code)
        number = _number(visits, row=row, field="annual_visits")
        if number > MAX_ANNUAL_VISITS:
            raise PlanningInputError(
                f"at most {MAX_ANNUAL_VISITS:,} visits a year per agency, got {number:g}",
                row=row,
                field="annual_visits",
            )
        result.append(ForecastRow(code, number))
    if not result:
        raise PlanningInputError("the forecast has no rows", row=2, field="agency")
    return tuple(result)


def parse_stock(text: str) -> tuple[StockRow, ...]:
    """Parse ``space_type,count,area_m2`` CSV text of the existing space stock."""
    rows = _read_csv(text, ("space_type", "count", "area_m2"), "stock")
    return stock_from_rows([(i, r["space_type"], r["count"], r["area_m2"]) for i, r in rows])


def stock_from_rows(rows: list[tuple[int | str, str, Any, Any]]) -> tuple[StockRow, ...]:
    """Validate ``(row, space_type, count, area_m2)`` from a CSV, a form or JSON."""
    result = []
    for row, kind, raw_count, raw_area in rows:
        kind = (kind or "").strip()
        if kind not in SPACE_TYPES:
            raise PlanningInputError(
                f"unknown space type {kind!r}; expected one of {', '.join(SPACE_TYPES)}",
                row=row,
                field="space_type",
            )
        count = _number(raw_count, row=row, field="count")
        if count != int(count) or count > 1_000_000:
            raise PlanningInputError(
                "count must be a whole number up to 1,000,000", row=row, field="count"
            )
        result.append(StockRow(kind, int(count), _number(raw_area, row=row, field="area_m2")))
    return tuple(result)


# -- defaults -----------------------------------------------------------------


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def shipped_defaults_dict() -> dict:
    text = resources.files("luukku.core.planning").joinpath("data/defaults.json").read_text("utf-8")
    return json.loads(text)


def load_defaults(path: str | Path | None = None, override: dict | None = None) -> Defaults:
    """Shipped defaults, deep-merged with a planner's JSON file and/or a dict."""
    raw = shipped_defaults_dict()
    if path is not None:
        try:
            own = json.loads(Path(path).read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise PlanningInputError(
                f"malformed JSON: {exc.msg}", row=f"line {exc.lineno}"
            ) from None
        except OSError as exc:
            raise PlanningInputError(f"cannot read defaults file: {exc.strerror}") from None
        if not isinstance(own, dict):
            raise PlanningInputError("defaults file must hold a JSON object")
        raw = _merge(raw, own)
    if override:
        raw = _merge(raw, override)
    return defaults_from_dict(raw)


def defaults_from_dict(raw: dict) -> Defaults:
    """Validate a defaults dict; rows are JSON key paths such as ``agencies.KELA``."""
    g = raw.get("global", {})
    sources: dict[str, str] = dict(g.get("sources", {}))
    opening = g.get("opening_hours", {})
    open_hour = int(_number(opening.get("open"), row="global.opening_hours", field="open"))
    close_hour = int(_number(opening.get("close"), row="global.opening_hours", field="close"))
    if not 0 <= open_hour < close_hour <= 24:
        raise PlanningInputError(
            "need 0 <= open < close <= 24", row="global.opening_hours", field="close"
        )
    profiles = g.get("profiles", {})

    def resolve(kind: str, ref: Any, row: str, field: str) -> Any:
        if isinstance(ref, str):
            try:
                return profiles[kind][ref]
            except KeyError:
                raise PlanningInputError(
                    f"no {kind} profile named {ref!r}", row=row, field=field
                ) from None
        return ref

    agencies = {}
    for code, a in raw.get("agencies", {}).items():
        row = f"agencies.{code}"
        if code not in AGENCIES:
            raise PlanningInputError(f"unknown agency {code!r}", row=row, field="agency")
        for key, text in (a.get("sources") or {}).items():
            sources[f"{row}.{key}"] = text
        personas = a.get("personas") or {}
        mix = {p: _share(personas.get(p, 0), row=row, field=f"personas.{p}") for p in PERSONAS}
        _profile(list(mix.values()), row=row, field="personas")
        hourly_raw = resolve("hourly", a.get("hourly_profile"), row, "hourly_profile")
        if not isinstance(hourly_raw, dict):
            raise PlanningInputError(
                "hourly profile must map hour to share", row=row, field="hourly_profile"
            )
        hourly = []
        for hour, share in sorted(hourly_raw.items(), key=lambda kv: int(kv[0])):
            h = int(hour)
            if not open_hour <= h < close_hour:
                raise PlanningInputError(
                    f"hour {h} is outside opening hours", row=row, field="hourly_profile"
                )
            hourly.append((h, _share(share, row=row, field=f"hourly_profile.{hour}")))
        _profile([s for _, s in hourly], row=row, field="hourly_profile")
        weekday = [
            _share(v, row=row, field="weekday_profile")
            for v in resolve("weekday", a.get("weekday_profile"), row, "weekday_profile")
        ]
        if len(weekday) != 5:
            raise PlanningInputError(
                "weekday profile needs 5 values (Mon-Fri)", row=row, field="weekday_profile"
            )
        _profile(weekday, row=row, field="weekday_profile")
        seasonal = [
            _share(v, row=row, field="seasonal_profile")
            for v in resolve("seasonal", a.get("seasonal_profile"), row, "seasonal_profile")
        ]
        if len(seasonal) != 12:
            raise PlanningInputError(
                "seasonal profile needs 12 values (Jan-Dec)", row=row, field="seasonal_profile"
            )
        _profile(seasonal, row=row, field="seasonal_profile")
        shares = {f: _share(a.get(f), row=row, field=f) for f in SHARE_FIELDS}
        if shares["room_share"] + shares["meeting_share"] > 1 + 1e-9:
            raise PlanningInputError(
                "room_share + meeting_share exceeds 1", row=row, field="meeting_share"
            )
        service_time = _number(a.get("service_time_min"), row=row, field="service_time_min")
        if service_time <= 0:
            raise PlanningInputError("must be positive", row=row, field="service_time_min")
        agencies[code] = AgencyDefaults(
            code=code,
            service_time_min=service_time,
            service_time_cv=_number(a.get("service_time_cv"), row=row, field="service_time_cv"),
            group_size=_number(a.get("group_size"), row=row, field="group_size", minimum=1.0),
            personas=mix,
            hourly=tuple(hourly),
            weekday=tuple(weekday),
            seasonal=tuple(seasonal),
            **shares,
        )

    def share_map(key: str, keys: tuple[str, ...]) -> dict[str, float]:
        values = g.get(key) or {}
        return {k: _share(values.get(k, 0), row=f"global.{key}", field=k) for k in keys}

    space_m2 = {
        t: _number((g.get("space_m2") or {}).get(t), row="global.space_m2", field=t)
        for t in SPACE_TYPES
    }
    min_by_size = {
        size: {
            t: int(_number(n, row=f"global.min_by_size.{size}", field=t))
            for t, n in (g.get("min_by_size", {}).get(size) or {}).items()
        }
        for size in SIZES
    }
    return Defaults(
        agencies=agencies,
        open_hour=open_hour,
        close_hour=close_hour,
        target_service_level=_share(
            g.get("target_service_level"), row="global", field="target_service_level"
        ),
        target_wait_min=_number(g.get("target_wait_min"), row="global", field="target_wait_min"),
        booked_arrival_scv=_number(
            g.get("booked_arrival_scv"), row="global", field="booked_arrival_scv"
        ),
        booked_early_min=_number(g.get("booked_early_min"), row="global", field="booked_early_min"),
        weeks_per_year=_number(
            g.get("weeks_per_year"), row="global", field="weeks_per_year", minimum=1
        ),
        htm2_per_room_m2=_number(
            g.get("htm2_per_room_m2"), row="global", field="htm2_per_room_m2", minimum=1
        ),
        office_htm2_per_person_year=_number(
            g.get("office_htm2_per_person_year"), row="global", field="office_htm2_per_person_year"
        ),
        service_hours_per_person_year=_number(
            g.get("service_hours_per_person_year"),
            row="global",
            field="service_hours_per_person_year",
            minimum=1,
        ),
        advisor_triage_min=_positive(g.get("advisor_triage_min"), "advisor_triage_min"),
        terminal_session_min=_positive(g.get("terminal_session_min"), "terminal_session_min"),
        self_service_share=share_map("self_service_share", ("C", "D")),
        advice_share=share_map("advice_share", ("A", "B")),
        chain_share=share_map("chain_share", ("A", "C")),
        workstations_per_official_on_site=_number(
            g.get("workstations_per_official_on_site"),
            row="global",
            field="workstations_per_official_on_site",
        ),
        waiting_seat_quantile=_share(
            g.get("waiting_seat_quantile"), row="global", field="waiting_seat_quantile"
        ),
        space_m2=space_m2,
        min_by_size=min_by_size,
        remote_only_sizes=tuple(g.get("remote_only_sizes", ())),
        sources=sources,
        max_servers=_max_servers(g.get("max_servers") or {}),
    )


def _positive(value: Any, field: str) -> float:
    """A service time: zero would mean infinite capacity, so it is refused."""
    number = _number(value, row="global", field=field)
    if number <= 0:
        raise PlanningInputError("must be positive", row="global", field=field)
    return number


def _max_servers(raw: Any) -> dict[str, int]:
    """Caps per resource (0 = none may be provided); unnamed ones get the engine limit."""
    if not isinstance(raw, dict):
        raise PlanningInputError(
            "must map a resource to a count", row="global", field="max_servers"
        )
    caps = dict.fromkeys(CAPPED, MAX_SERVERS)
    for key, value in raw.items():
        if key not in CAPPED:
            raise PlanningInputError(
                f"unknown resource; use {', '.join(CAPPED)}", row="global.max_servers", field=key
            )
        n = _number(value, row="global.max_servers", field=key)
        if n != int(n) or n > MAX_SERVERS:
            raise PlanningInputError(
                f"must be a whole number up to {MAX_SERVERS}", row="global.max_servers", field=key
            )
        caps[key] = int(n)
    return caps


def source_of(defaults: Defaults, agency: str | None, field: str) -> str:
    """Where a default comes from: an agency-specific note, else the global one."""
    if agency and f"agencies.{agency}.{field}" in defaults.sources:
        return defaults.sources[f"agencies.{agency}.{field}"]
    return defaults.sources.get(field, "assumption")
