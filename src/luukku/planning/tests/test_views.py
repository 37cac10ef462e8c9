from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from luukku.core.planning.inputs import AGENCIES, SPACE_TYPES
from luukku.planning.forms import field_name, stock_names

URL = "planning:planner"
DEMO = {
    "VERO": 9000, "DVV": 7000, "AVI": 800, "MML": 1500, "RISE": 1200, "MIGRI": 4000,
    "ELY": 2500, "POLIISI": 22000, "UO": 3500, "OA/EV": 2500, "TE": 9000, "KELA": 25000,
}  # fmt: skip


@pytest.fixture
def planner(client, demo):
    """The demo planner signed in (whoever else may open the page is the roles' business)."""
    client.force_login(get_user_model().objects.get(username="suunnittelija"))
    return client


def _query(visits=None, **extra):
    data = {"size": "L", "forecast_change": 0, "remote_add": 0, "extra_hours": 0}
    data.update({field_name(c): (visits or {}).get(c, 1000) for c in AGENCIES})
    data.update(extra)
    return data


def _stock(**counts):
    data = {}
    for t in SPACE_TYPES:
        count, m2 = stock_names(t)
        data[count], data[m2] = counts.get(t, 0), counts.get(t, 0) * 6
    return data


def test_planner__first_visit__shows_demo_forecast_and_stock(planner):
    response = planner.get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="visits_kela"' in body
    assert re.search(r'name="existing_booth_count"[^>]*value="10"', body)
    assert 'name="export" value="xlsx"' in body
    assert "<svg" not in body


def test_planner__submitted__shows_programme_and_three_charts(planner):
    response = planner.get(reverse(URL), _query(forecast_change=-30))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") == 3
    assert body.count('role="img"') == 3 and "<title" in body
    assert "näkösuojattu palvelupiste" in body and "<caption>" in body
    ids = re.findall(r'aria-labelledby="(chart-[^"]+)"', body)
    assert len(set(ids)) == 3 and all(f'id="{i}"' in body for i in ids)


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        pytest.param("fi", r"osuus \d+\xa0%", id="fi"),
        pytest.param("sv", r"andel \d+\xa0%", id="sv"),
        pytest.param("en", r"share \d+%", id="en"),
    ],
)
def test_planner__shares__are_percentages_in_the_locale(planner, lang, pattern):
    planner.cookies["django_language"] = lang
    body = planner.get(reverse(URL), _query(DEMO)).content.decode()
    assert re.search(pattern, body), body[:2000]
    # Not the bare fractions the page used to show (0,879 / 0,51).
    assert not re.search(r"\b0[,.]\d{2,3}\b", body.split('id="result-heading"')[1])


def test_planner__existing_stock__shows_the_development_need(planner):
    body = planner.get(reverse(URL), _query(DEMO, **_stock(booth=10))).content.decode()
    table = body.split("Kehitystarve")[1]
    row = table.split('<th scope="row">näkösuojattu palvelupiste</th>')[1].split("</tr>")[0]
    need, existing, change, _ = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert existing == "10" and int(change) == int(need) - 10


def test_planner__stock_left_blank__plans_without_it(planner):
    body = planner.get(reverse(URL), _query(DEMO)).content.decode()
    assert "Kehitystarve" not in body and "<svg" in body


def test_planner__negative_stock__is_a_400_naming_the_field(planner):
    response = planner.get(reverse(URL), _query(DEMO, existing_booth_count=-1))
    assert response.status_code == 400
    assert b'role="alert"' in response.content and b"<svg" not in response.content


def test_planner__negative_visits__shows_field_error(planner):
    response = planner.get(reverse(URL), _query(visits_kela=-5))
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert b"<svg" not in response.content


def test_planner__export_xlsx__downloads_the_cli_workbook(planner):
    response = planner.get(reverse(URL), _query(DEMO, export="xlsx", **_stock(booth=10)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="tilaohjelma-L.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Tilaohjelma", "Skenaariot", "Henkilöstö", "Havainnot", "Lähtötiedot"]
    head = [c.value for c in wb["Tilaohjelma"][3]]
    assert "Nykyinen kpl / Existing" in head


def test_planner__export_xlsx_with_bad_input__is_the_page_with_errors(planner):
    response = planner.get(reverse(URL), _query(visits_kela="x", export="xlsx"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b'role="alert"' in response.content


@pytest.mark.parametrize(
    "visits",
    [
        pytest.param({c: v * 2 for c, v in DEMO.items()}, id="twice-the-demo"),
        pytest.param({c: v * 10 for c, v in DEMO.items()}, id="ten-times-the-demo"),
        pytest.param({**dict.fromkeys(AGENCIES, 0), "POLIISI": 10_000_000}, id="ten-million"),
    ],
)
def test_planner__large_forecasts__are_planned_not_a_500(planner, visits):
    # Twice the demo crashed luukku plan with OverflowError (issue 17).
    response = planner.get(reverse(URL), _query(visits))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") == 3
    assert not re.search(r"\b(inf|nan)\b|∞", body.split('id="result-heading"')[1], re.I)


def test_planner__a_site_beyond_the_engine__is_refused_naming_the_field(planner):
    response = planner.get(reverse(URL), _query(visits_kela=1e9))
    assert response.status_code == 400
    assert b'role="alert"' in response.content


def test_planner__beyond_the_engine_limit__is_a_finding_not_a_500(planner):
    planner.cookies["django_language"] = "en"
    visits = {**dict.fromkeys(AGENCIES, 0), "POLIISI": 100_000_000}
    response = planner.get(reverse(URL), _query(visits))
    assert response.status_code == 200
    body = response.content.decode()
    assert "What the plan could not size to the target" in body
    assert "Officials of POLIISI: the queue is unstable on Monday" in body
    assert "More than 5000 servers would be needed: check the forecast." in body
