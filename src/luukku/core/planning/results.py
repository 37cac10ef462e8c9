"""What a plan is made of: its configuration, streams, programmes, findings and result.

Frozen records only (Ciw's shape: a builder makes the configuration, the engine in
``dimensioning`` runs it, the results come back as these); split from the engine so
that each reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .inputs import AgencyDefaults, Defaults, ForecastRow

DAYS = ("mon", "tue", "wed", "thu", "fri")
SERVICE_TYPES = ("booth", "service_room", "meeting_room", "remote_room")
STAFFED = ("official", "advice_point", "terminal")
UNSTABLE, TARGET_NOT_MET = "unstable", "target_not_met"


@dataclass(frozen=True)
class Scenario:
    """A what-if: forecast factor, remote share in points, extra evening hours."""

    name: str = "base"
    forecast_factor: float = 1.0
    remote_share_add: float = 0.0
    booked_share_add: float = 0.0
    extra_hours: int = 0


STANDARD_SCENARIOS = (
    Scenario("remote +20 pp", remote_share_add=0.20),
    Scenario("open 2 h longer", extra_hours=2),
    Scenario("forecast -30 %", forecast_factor=0.70),
)


@dataclass(frozen=True)
class PlanConfig:
    forecast: tuple[ForecastRow, ...]
    size: str
    defaults: Defaults
    scenario: Scenario
    agencies: tuple[AgencyDefaults, ...]  # with the scenario applied
    hours: tuple[int, ...]


@dataclass(frozen=True)
class Stream:
    """Arrivals per hour with a mean service time (min) and variability factor."""

    rate: float
    service_min: float
    scv_arrival: float
    scv_service: float


@dataclass(frozen=True)
class ProgrammeLine:
    space_type: str
    count: int
    m2_each: float
    m2: float
    htm2: float


@dataclass(frozen=True)
class Programme:
    lines: tuple[ProgrammeLine, ...]
    total_m2: float
    total_htm2: float

    def count(self, space_type: str) -> int:
        return next((line.count for line in self.lines if line.space_type == space_type), 0)


@dataclass(frozen=True)
class DevelopmentLine:
    space_type: str
    need: int
    existing: int
    change: int
    need_m2: float
    existing_m2: float
    change_m2: float


@dataclass(frozen=True)
class Finding:
    """A resource the plan could not size to the target, at its worst hour.

    ``agency`` is None for a resource all agencies share. ``problem`` is ``unstable``
    (no more servers than load: the queue grows all hour) or ``target_not_met``
    (stable, but the share served within the target wait is too low). ``needed`` is
    the servers the target would take, None when beyond the engine's limit.
    """

    resource: str
    agency: str | None
    problem: str
    day: str
    hour: int
    load: float
    servers: int
    cap: int
    needed: int | None


@dataclass(frozen=True)
class QueueCheck:
    """A staffed queue's busiest hour: offered load (Erlangs) against servers."""

    resource: str
    agency: str | None
    day: str
    hour: int
    load: float
    servers: int

    @property
    def stable(self) -> bool:
        return self.load <= 0 or self.servers > self.load


@dataclass(frozen=True)
class PlanResult:
    size: str
    scenario: Scenario
    peak_month: int  # 1..12
    peak_day: str
    hours: tuple[int, ...]
    arrivals: dict[str, tuple[float, ...]]  # per agency, per hour of the peak day
    officials: dict[str, tuple[tuple[int, ...], ...]]  # per agency, [day][hour], peak week
    advisors: tuple[tuple[int, ...], ...]
    terminals: tuple[tuple[int, ...], ...]
    pooled: Programme
    separate: Programme
    waiting_seats: int
    persons_waiting_peak: float
    person_years: float
    office_htm2_target: float
    expected_service_level: float
    development: tuple[DevelopmentLine, ...] | None = None
    findings: tuple[Finding, ...] = ()
    queues: tuple[QueueCheck, ...] = ()

    @property
    def saving_m2(self) -> float:
        return self.separate.total_m2 - self.pooled.total_m2

    @property
    def saving_share(self) -> float:
        return self.saving_m2 / self.separate.total_m2 if self.separate.total_m2 else 0.0

    def officials_peak_day(self) -> dict[str, tuple[int, ...]]:
        i = DAYS.index(self.peak_day)
        return {a: rows[i] for a, rows in self.officials.items()}
