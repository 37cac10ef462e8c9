"""HTTP API routes of the planning capability."""

from __future__ import annotations

from ninja import Router, Schema, Status
from ninja.errors import HttpError

from luukku.core.planning.dimensioning import Scenario
from luukku.core.planning.inputs import PlanningInputError

from . import services

router = Router(tags=["planning"])


class ForecastRowIn(Schema):
    agency: str
    annual_visits: float | None = None


class ScenarioIn(Schema):
    name: str = "scenario"
    forecast_factor: float = 1.0
    remote_share_add: float = 0.0
    booked_share_add: float = 0.0
    extra_hours: int = 0


class PlanIn(Schema):
    size: str = "L"
    forecast: list[ForecastRowIn]
    scenario: ScenarioIn | None = None


class PlanError(Schema):
    detail: dict


@router.post("/plan", response={200: dict, 422: PlanError})
def plan(request, payload: PlanIn):
    """Space programme (pooled and separate) for a forecast; 422 names the bad field."""
    pairs = [
        (f"forecast[{i}]", row.agency, row.annual_visits) for i, row in enumerate(payload.forecast)
    ]
    scenario = Scenario(**payload.scenario.dict()) if payload.scenario else None
    try:
        results = services.plan_run(pairs=pairs, size=payload.size, scenario=scenario)
    except PlanningInputError as exc:
        return Status(422, {"detail": exc.as_dict()})
    except ValueError as exc:  # e.g. an impossible load; never a 500
        raise HttpError(422, str(exc)) from None
    return {"plans": services.plan_as_dicts(results)}
