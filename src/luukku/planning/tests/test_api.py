from __future__ import annotations

import json

import pytest

URL = "/api/v1/planning/plan"


def _post(client, payload):
    return client.post(URL, json.dumps(payload), content_type="application/json")


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
    ],
)
def test_plan_api__bad_input__is_422_naming_the_field(client, payload, field):
    response = _post(client, payload)
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == field


def test_plan_api__malformed_body__is_4xx_not_500(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
