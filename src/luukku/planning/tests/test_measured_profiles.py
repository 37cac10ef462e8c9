"""Planning from measured usage, with profiles: hour-of-day and weekday shares from the
aggregates, fed to the core in place of the national ones, measured against planned on
the page and in ``luukku plan --measured`` (issue 16 item 6)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from luukku import cli as luukku_cli
from luukku.booking.models import Channel
from luukku.core.planning.dimensioning import build_config, plan
from luukku.core.planning.inputs import ForecastRow, load_defaults
from luukku.monitoring.models import DailyAggregate, DailyHourArrivals
from luukku.planning import cli
from luukku.planning.comparison import compare
from luukku.planning.forms import field_name
from luukku.planning.measured import (
    measured_defaults,
    measured_usage,
    opening_span,
    site_stock_rows,
)
from luukku.registry.models import Agency

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)  # a Monday
#: Kela's day at the measured point: crowded before noon (the national profile is flatter).
KELA_HOURS = {7: 4, 9: 10, 10: 60, 11: 60, 12: 20, 13: 20, 14: 16, 15: 10}
VERO_HOURS = {10: 1, 13: 1}  # two a day: too few for a profile of its own


@pytest.fixture
def pori_year(demo):
    """Sixty working days before TODAY at Pori: Kela 200 a day (more on Mondays), Vero 2."""
    pori, kela, vero = (
        demo["pori"],
        Agency.objects.get(code="KELA"),
        Agency.objects.get(code="VERO"),
    )
    aggregates, hours = [], []
    day, n = TODAY, 0
    while n < 60:
        day -= timedelta(days=1)
        if day.weekday() > 4:
            continue
        n += 1
        factor = 2 if day.weekday() == 0 else 1
        for agency, profile in ((kela, KELA_HOURS), (vero, VERO_HOURS)):
            total = sum(profile.values()) * factor
            aggregates.append(
                DailyAggregate(
                    day=day, site=pori, agency=agency, channel=Channel.IN_PERSON,
                    walk_in=total, served=total, service_count=total,
                    service_sum_s=total * 24 * 60, wait_count=total, wait_sum_s=total * 300,
                    wait_hist=[total],
                )
            )  # fmt: skip
            hours += [
                DailyHourArrivals(day=day, site=pori, agency=agency, hour=h, walk_in=c * factor)
                for h, c in profile.items()
            ]
    # One Saturday with a few arrivals (the planner's week leaves it out).
    hours.append(
        DailyHourArrivals(day=date(2026, 11, 28), site=pori, agency=kela, hour=11, walk_in=30)
    )
    DailyAggregate.objects.bulk_create(aggregates)
    DailyHourArrivals.objects.bulk_create(hours)
    return pori


def test_opening_span__the_points_weekday_hours(demo):
    # Pori is open 8–16, Thursdays to 18 (demo data).
    assert opening_span(demo["pori"], load_defaults()) == (8, 18)


def test_measured_usage__profiles_per_agency_and_for_the_point(pori_year):
    m = measured_usage(pori_year, TODAY, load_defaults())
    assert (m.open_hour, m.close_hour) == (8, 18)
    kela, vero = m.agency("KELA"), m.agency("VERO")
    assert kela.profile_from == "agency" and kela.arrivals == 60 * 200 + 12 * 200 + 30
    shares = dict(kela.hourly)
    assert list(shares) == list(range(8, 18))
    assert shares[10] == pytest.approx(60 / 200, abs=0.01)
    assert shares[8] == pytest.approx(4 / 200, abs=0.01)  # the 7 o'clock arrivals fold in
    # Mondays twice as busy: 2 / (2 + 4) of the week, counted per day on record.
    assert kela.weekday[0] == pytest.approx(2 / 6)
    assert sum(kela.weekday) == pytest.approx(1.0)
    assert vero.profile_from == "point" and vero.hourly == m.hourly
    assert m.outside_share == pytest.approx(4 * 72 / m.arrivals, rel=0.01)
    assert 0 < m.weekend_share < 0.01


def test_measured_defaults__the_points_figures_change_the_plan(pori_year):
    national = load_defaults()
    m = measured_usage(pori_year, TODAY, national)
    mine = measured_defaults(m, national)
    kela = mine.agencies["KELA"]
    assert kela.service_time_min == pytest.approx(24.0)  # measured, not the national 15
    assert dict(kela.hourly)[10] == pytest.approx(dict(m.agency("KELA").hourly)[10])
    assert mine.sources["agencies.KELA.hourly_profile"].startswith("measured at pori")
    # A national figure where nothing was measured: Migri keeps its service time.
    assert mine.agencies["MIGRI"].service_time_min == national.agencies["MIGRI"].service_time_min
    forecast = (ForecastRow("KELA", 50_000),)
    assert plan(build_config(forecast, "L", mine)).pooled.count("booth") > plan(
        build_config(forecast, "L", national)
    ).pooled.count("booth")


def test_compare__measured_against_planned_and_the_verdict(pori_year):
    national = load_defaults()
    m = measured_usage(pori_year, TODAY, national)
    stock = site_stock_rows(pori_year)
    c = compare(m, defaults=national, size="L", stock=stock, planned_visits={"KELA": 20_000})
    kela = next(a for a in c.agencies if a.code == "KELA")
    assert kela.visits_planned == 20_000 and kela.visits_measured == pytest.approx(
        m.agency("KELA").visits_per_year
    )
    assert kela.service_measured == pytest.approx(24.0) and kela.service_planned == 15.0
    assert kela.peak_hour_measured[0] in (10, 11) and kela.peak_hour_measured[1] > 0.25
    assert c.hours == tuple(range(8, 18)) and len(c.weekday_planned) == 5
    assert sum(s for _h, s in c.hourly_planned) == pytest.approx(1.0)
    # The registry keeps no waiting seats: unknown, so never called under-sized.
    seats = next(s for s in c.spaces if s.space_type == "waiting_seat")
    assert seats.existing is None and seats.change is None
    assert all(x.space_type != "waiting_seat" for x in c.development)
    booths = next(s for s in c.spaces if s.space_type == "booth")
    assert booths.measured_need > booths.planned_need  # more visits, longer and peakier


def test_plan_measured_cli__report_and_comparison(pori_year, capsys, tmp_path):
    out = tmp_path / "plan.json"
    code = luukku_cli.main(
        ["plan", "--measured", "pori", "--today", TODAY.isoformat(), "--json", str(out)]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "Planned from the measured usage of Suomi-piste Pori" in text
    assert "Space programme, size L" in text and "Saving from sharing" in text  # luukku plan's
    assert "Measured against planned" in text and "Share of the arrivals per hour" in text
    assert re.search(r"KELA\s+[\d,]+\s+[\d,]+\s+24\.0\s+15\.0", text)
    assert "Under-sized for the measured load" in text or "More than the measured" in text
    assert "KELA: a service takes 24.0 min measured, 15.0 min planned." in text
    data = json.loads(out.read_text())
    assert data["comparison"]["site"] == "pori" and data["comparison"]["hours"][0] == 8
    assert data["plans"][0]["hours"][0] == 8


def test_plan_measured_cli__same_today_same_output(pori_year, capsys):
    argv = ["--measured", "pori", "--today", TODAY.isoformat(), "--language", "fi"]
    assert cli.main(argv) == 0
    first = capsys.readouterr().out
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == first
    assert "maanantai" in first  # the weekday names in the language asked for


def test_plan_measured_cli__a_forecast_is_the_plan(pori_year, capsys, tmp_path):
    forecast = tmp_path / "plan.csv"
    forecast.write_text("agency,annual_visits\nKELA,12345\n", "utf-8")
    assert cli.main([str(forecast), "--measured", "pori", "--today", TODAY.isoformat()]) == 0
    assert re.search(r"KELA\s+[\d,]+\s+12,345\s", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "--measured", "nowhere"], "field 'measured': no service point"),
        (["plan", "--measured", "pori", "--today", "30.11.2026"], "field 'today'"),
        (["plan", "--measured", "rauma", "--today", "2026-11-30"], "field 'visits'"),
    ],
)
def test_plan_measured_cli__bad_input_exits_2_naming_the_field(pori_year, capsys, argv, message):
    assert luukku_cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("luukku plan: ") and message in err


@pytest.fixture
def planner(client, demo):
    client.force_login(get_user_model().objects.get(username="suunnittelija"))
    return client


def test_planner_page__shows_the_measured_profiles_beside_the_planned(
    planner, pori_year, monkeypatch
):
    monkeypatch.setattr("luukku.planning.views.local_today", lambda now: TODAY)
    page = planner.get(
        "/planning/", {"measured": "pori"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert page.count("<svg") == 2
    assert 'aria-labelledby="chart-hour-profile-title"' in page
    assert 'aria-labelledby="chart-weekday-profile-title"' in page
    assert "Share of the arrivals per hour" in page and 'class="programme profile-table"' in page
    assert re.search(r"<th scope=\"row\">10–11</th><td class=\"num\">3\d[.,]\d", page)
    assert 'class="measured-verdict"' in page
    assert "Kela" in page and "24.0" in page


def test_planner_page__the_forms_visits_are_the_plan(planner, pori_year, monkeypatch):
    monkeypatch.setattr("luukku.planning.views.local_today", lambda now: TODAY)
    page = planner.get("/planning/", {"measured": "pori"}).content.decode()
    form = dict(re.findall(r'<input type="number" name="([^"]+)" value="([^"]*)"', page))
    form |= {"size": "L", "measured": "pori", field_name("KELA"): "33333"}
    result = planner.get("/planning/", form, HTTP_ACCEPT_LANGUAGE="en")
    body = result.content.decode()
    assert result.status_code == 200
    assert body.count("<svg") == 5  # the plan's three charts and the two profiles
    assert ">33333<" in body  # Kela's planned visits beside the measured
