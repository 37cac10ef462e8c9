"""HTTP API routes of the planning capability."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from luukku.core.planning.dimensioning import Scenario
from luukku.core.planning.inputs import PlanningInputError

from . import services

router = Router(tags=["planning"])


class ForecastRowIn(Schema):
    agency: str
    annual_visits: float | None = None


class StockRowIn(Schema):
    """One line of the existing space stock, as in the CLI's ``--existing`` CSV."""

    space_type: str
    count: float | None = None
    area_m2: float | None = None


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
    existing: list[StockRowIn] | None = None


class PlanError(Schema):
    detail: dict


@router.post("/plan", response={200: dict, 422: PlanError})
def plan(request, payload: PlanIn, format: str = "json"):
    """Space programme (pooled and separate) for a forecast; 422 names the bad field.

    With ``existing`` each plan has its development need; every plan lists its
    ``findings`` (resources the target could not be met for) and ``queues`` (each
    staffed queue's busiest hour). Shares are fractions 0..1. ``?format=xlsx``
    answers the same plan as the CLI's ``--xlsx`` workbook.
    """
    if format not in ("json", "xlsx"):
        error = PlanningInputError("use json or xlsx", field="format")
        return Status(422, {"detail": error.as_dict()})
    pairs = [
        (f"forecast[{i}]", row.agency, row.annual_visits) for i, row in enumerate(payload.forecast)
    ]
    stock = (
        [
            (f"existing[{i}]", row.space_type, row.count, row.area_m2)
            for i, row in enumerate(payload.existing)
        ]
        if payload.existing is not None
        else None
    )
    scenario = Scenario(**payload.scenario.dict()) if payload.scenario else None
    try:
        results = services.plan_run(pairs=pairs, size=payload.size, scenario=scenario, stock=stock)
    except PlanningInputError as exc:
        return Status(422, {"detail": exc.as_dict()})
    except ValueError as exc:  # a last guard; the core flags what it cannot size
        raise HttpError(422, str(exc)) from None
    if format == "xlsx":
        response = HttpResponse(services.plan_xlsx(results), services.XLSX_TYPE)
        name = services.xlsx_filename(results)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return {"plans": services.plan_as_dicts(results)}
