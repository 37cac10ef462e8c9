from __future__ import annotations

from django.urls import reverse

from luukku.core.planning.inputs import AGENCIES
from luukku.planning.forms import field_name


def _query(**extra):
    data = {"size": "L", "forecast_change": 0, "remote_add": 0, "extra_hours": 0}
    data.update({field_name(c): 1000 for c in AGENCIES})
    data.update(extra)
    return data


def test_planner__first_visit__shows_demo_form(client):
    response = client.get(reverse("planning:planner"))
    assert response.status_code == 200
    assert b'name="visits_kela"' in response.content
    assert b"<svg" not in response.content


def test_planner__submitted__shows_programme_and_three_charts(client):
    response = client.get(reverse("planning:planner"), _query(forecast_change=-30))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") == 3
    assert body.count('role="img"') == 3 and "<title" in body
    assert "näkösuojattu palvelupiste" in body and "<caption>" in body


def test_planner__negative_visits__shows_field_error(client):
    response = client.get(reverse("planning:planner"), _query(visits_kela=-5))
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert b"<svg" not in response.content
