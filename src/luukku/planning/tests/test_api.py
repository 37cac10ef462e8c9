from __future__ import annotations

import io
import json
import math
from importlib import resources

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from luukku.core.planning.inputs import parse_forecast

URL = "/api/v1/planning/plan"


@pytest.fixture
def client(client, demo):
    """The demo planner signed in (who else may call it is the roles' business)."""
    client.force_login(get_user_model().objects.get(username="suunnittelija"))
    return client


def _post(client, payload, query=""):
    return client.post(URL + query, json.dumps(payload), content_type="application/json")


def _demo(factor: float = 1.0) -> list[dict]:
    text = (
        resources.files("luukku.core.planning")
        .joinpath("data/demo-forecast-pori.csv")
        .read_text("utf-8")
    )
    return [
        {"agency": r.agency, "annual_visits": r.annual_visits * factor}
        for r in parse_forecast(text)
    ]


def test_plan_api__valid_forecast__returns_programme(client):
    response = _post(
        client,
        {
            "size": "L",
            "forecast": [
                {"agency": "KELA", "annual_visits": 25000},
                {"agency": "TE", "annual_visits": 9000},
            ],
        },
    )
    assert response.status_code == 200
    plans = response.json()["plans"]
    assert plans[0]["pooled_total_m2"] <= plans[0]["separate_total_m2"]


def test_plan_api__scenario__is_returned_beside_base(client):
    response = _post(
        client,
        {
            "forecast": [{"agency": "KELA", "annual_visits": 25000}],
            "scenario": {"name": "low", "forecast_factor": 0.7},
        },
    )
    assert [p["scenario"]["name"] for p in response.json()["plans"]] == ["base", "low"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param(
            {"forecast": [{"agency": "NASA", "annual_visits": 1}]}, "agency", id="unknown-agency"
        ),
        pytest.param(
            {"forecast": [{"agency": "KELA", "annual_visits": -1}]}, "annual_visits", id="negative"
        ),
        pytest.param({"forecast": [{"agency": "KELA"}]}, "annual_visits", id="missing"),
        pytest.param(
            {"size": "XL", "forecast": [{"agency": "KELA", "annual_visits": 1}]}, "size", id="size"
        ),
        pytest.param(
            {
                "forecast": [{"agency": "KELA", "annual_visits": 1}],
                "scenario": {"forecast_factor": -1},
            },
            "forecast",
            id="scenario",
        ),
        pytest.param(
            {
                "forecast": [{"agency": "KELA", "annual_visits": 1}],
                "scenario": {"forecast_factor": 1e9},
            },
            "forecast",
            id="scenario-huge",
        ),
        pytest.param(
            {"forecast": [{"agency": "KELA", "annual_visits": 1e12}]},
            "annual_visits",
            id="visits-huge",
        ),
        pytest.param(
            {
                "forecast": [{"agency": "KELA", "annual_visits": 1}],
                "existing": [{"space_type": "ballroom", "count": 1, "area_m2": 1}],
            },
            "space_type",
            id="stock-type",
        ),
        pytest.param(
            {
                "forecast": [{"agency": "KELA", "annual_visits": 1}],
                "existing": [{"space_type": "booth", "count": 1.5, "area_m2": 1}],
            },
            "count",
            id="stock-count",
        ),
        pytest.param(
            {
                "forecast": [{"agency": "KELA", "annual_visits": 1}],
                "existing": [{"space_type": "booth", "count": 1}],
            },
            "area_m2",
            id="stock-area-missing",
        ),
    ],
)
def test_plan_api__bad_input__is_422_naming_the_field(client, payload, field):
    response = _post(client, payload)
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == field


def test_plan_api__malformed_body__is_4xx_not_500(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("factor", [pytest.param(2, id="twice"), pytest.param(10, id="ten-times")])
def test_plan_api__scaled_demo__is_planned_with_finite_numbers(client, factor):
    # Twice the demo crashed with OverflowError in poisson_quantile (issue 17).
    response = _post(client, {"forecast": _demo(factor)})
    assert response.status_code == 200
    plan = response.json()["plans"][0]
    assert plan["findings"] == []
    assert all(q["stable"] for q in plan["queues"])
    assert math.isfinite(plan["persons_waiting_peak"]) and plan["waiting_seats"] > 0


def test_plan_api__existing_stock__gives_the_development_need(client):
    response = _post(
        client,
        {
            "forecast": _demo(),
            "existing": [{"space_type": "booth", "count": 10, "area_m2": 60}],
        },
    )
    assert response.status_code == 200
    booth = next(
        d for d in response.json()["plans"][0]["development"] if d["space_type"] == "booth"
    )
    assert booth["existing"] == 10 and booth["change"] == booth["need"] - 10


def test_plan_api__format_xlsx__is_the_cli_workbook(client):
    response = _post(client, {"forecast": _demo()}, "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Havainnot" in load_workbook(io.BytesIO(response.content)).sheetnames


def test_plan_api__unknown_format__is_422_naming_it(client):
    response = _post(client, {"forecast": _demo()}, "?format=pdf")
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "format"
