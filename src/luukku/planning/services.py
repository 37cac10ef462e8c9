"""Run the pure planning core for the web page and the API (no database)."""

from __future__ import annotations

from luukku.core.planning.dimensioning import Scenario, build_config, compare_scenarios
from luukku.core.planning.inputs import ForecastRow, forecast_from_pairs, load_defaults
from luukku.core.planning.report import plan_to_dict


def plan_run(
    *, pairs: list[tuple[int | str, str, object]], size: str, scenario: Scenario | None = None
):
    """Validate the forecast and plan the base and the given scenario."""
    forecast: tuple[ForecastRow, ...] = forecast_from_pairs(pairs)
    defaults = load_defaults()
    build_config(forecast, size, defaults)  # validates the size before the work
    scenarios = (scenario,) if scenario else ()
    return compare_scenarios(forecast, size, defaults, scenarios)


def plan_as_dicts(results) -> list[dict]:
    return [plan_to_dict(r) for r in results]
