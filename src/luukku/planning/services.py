"""Run the pure planning core for the web page and the API (no database)."""

from __future__ import annotations

from luukku.core.planning.dimensioning import Scenario, build_config, compare_scenarios
from luukku.core.planning.inputs import (
    ForecastRow,
    StockRow,
    forecast_from_pairs,
    load_defaults,
    stock_from_rows,
)
from luukku.core.planning.report import plan_to_dict
from luukku.core.planning.xlsx import xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_run(
    *,
    pairs: list[tuple[int | str, str, object]],
    size: str,
    scenario: Scenario | None = None,
    stock: list[tuple[int | str, str, object, object]] | None = None,
):
    """Validate the forecast (and the existing stock) and plan the base and the scenario.

    ``stock`` rows are ``(row, space_type, count, area_m2)``, as the CLI's ``--existing``
    CSV; with it, each plan carries the development need (need minus existing).
    """
    forecast: tuple[ForecastRow, ...] = forecast_from_pairs(pairs)
    existing: tuple[StockRow, ...] | None = stock_from_rows(stock) if stock is not None else None
    defaults = load_defaults()
    build_config(forecast, size, defaults, scenario)  # validates before the work
    scenarios = (scenario,) if scenario else ()
    return compare_scenarios(forecast, size, defaults, scenarios, existing)


def plan_as_dicts(results) -> list[dict]:
    return [plan_to_dict(r) for r in results]


def plan_xlsx(results) -> bytes:
    """The plan as the CLI's ``--xlsx`` workbook, in memory."""
    return xlsx_bytes(results, load_defaults())


def xlsx_filename(results) -> str:
    return f"tilaohjelma-{results[0].size}.xlsx"
