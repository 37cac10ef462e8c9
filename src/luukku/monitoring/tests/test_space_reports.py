"""Utilisation and cost on the report page: region level, own points, every table exported."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from luukku.access.testing import sign_in
from luukku.booking.models import Channel
from luukku.core.monitoring.utilisation import HOUR
from luukku.monitoring.exports import TABLES
from luukku.monitoring.models import DailyAggregate, DailySpaceUse
from luukku.monitoring.space_selectors import cost_report, utilisation_report
from luukku.registry.models import Region, Site, Space, SpaceType

pytestmark = pytest.mark.django_db

URL = "/monitoring/reports/"
RANGE = {"date_from": "2026-11-01", "date_to": "2026-11-14"}  # two weeks
FROM, TO = date(2026, 11, 1), date(2026, 11, 14)


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def space_use(demo):
    """Booths at Pori (8) and Rauma (4) on two open days of 8 hours; Pori half in use."""
    for slug, spaces, used in (("pori", 8, 32), ("rauma", 4, 8)):
        for day in (date(2026, 11, 3), date(2026, 11, 4)):
            DailySpaceUse.objects.create(
                day=day,
                site=demo[slug],
                space_type=SpaceType.SCREENED_BOOTH,
                spaces=spaces,
                open_s=8 * HOUR,
                capacity_s=spaces * 8 * HOUR,
                used_s=used * HOUR,
                used_open_s=used * HOUR,
            )
    return demo


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_utilisation_report__region_adds_up_its_points(space_use):
    by_site = utilisation_report(date_from=FROM, date_to=TO, site_ids=None, level="site")
    by_region = utilisation_report(date_from=FROM, date_to=TO, site_ids=None, level="region")
    (region_row,) = [r for r in by_region if not r.total]
    assert region_row.place == str(Region.SATAKUNTA.label)
    pori = next(r for r in by_site if r.place == space_use["pori"].name)
    # 64 hours in use over two weeks: 32 a week, 4 a week per booth, of 16 open a week.
    f = pori.figures
    assert (f.spaces, f.hours_in_use(), f.hours_per_week(), f.hours_per_week_per_space()) == (
        8, 64, 32, 4,
    )  # fmt: skip
    assert f.open_hours_per_week_per_space() == 8 and f.share_of_opening_hours() == 0.5
    r = region_row.figures
    assert r.spaces == 12 and r.use.used_s == (64 + 16) * HOUR
    assert r.share_of_opening_hours() == 80 / (12 * 16)
    (total,) = [x for x in by_region if x.total]
    assert total.figures == r  # one region: its row is the whole


def test_utilisation_report__per_week_rows_count_the_weeks_days(space_use):
    rows = utilisation_report(
        date_from=FROM, date_to=TO, site_ids=None, period="week", level="network"
    )
    (week,) = [r for r in rows if not r.total]
    assert week.period == "2026-W45" and week.figures.days == 7
    assert week.figures.hours_per_week() == 80


def test_cost_report__rent_over_area_and_hours_where_recorded(space_use):
    pori = space_use["pori"]
    area = sum(s.area_m2 for s in Space.objects.filter(site=pori, active=True))
    rows = cost_report(date_from=FROM, date_to=TO, site_ids=frozenset([pori.pk]))
    (row,) = rows
    assert row.rent == float(pori.rent_eur_per_year) and row.area_m2 == float(area)
    assert row.per_m2_year == pytest.approx(float(pori.rent_eur_per_year / area))
    assert row.per_hour_of_use == pytest.approx(float(pori.rent_eur_per_year) * 14 / 365 / 64)
    # The library point records no rent: it is left out, and alone it gives no row.
    kankaanpaa = space_use["kankaanpaa"]
    assert cost_report(date_from=FROM, date_to=TO, site_ids=frozenset([kankaanpaa.pk])) == []
    network = cost_report(date_from=FROM, date_to=TO, site_ids=None, level="network")
    assert [r.points for r in network] == [
        Site.objects.filter(rent_eur_per_year__isnull=False).count()
    ]
    by_site = cost_report(date_from=FROM, date_to=TO, site_ids=None)
    assert by_site[-1].rent == network[0].rent and by_site[-1].used_s == network[0].used_s


def test_reports__site_manager_sees_own_point_in_every_table(client, space_use):
    sign_in(client, "esihenkilo")
    places = {
        row[1]
        for row in _csv(client.get(URL, {**RANGE, "table": "utilisation", "format": "csv"}))[1:]
    }
    assert places == {space_use["pori"].name, ""}  # and the total rows
    cost = _csv(client.get(URL, {**RANGE, "table": "cost", "format": "csv"}))
    assert [row[0] for row in cost[1:]] == [space_use["pori"].name]
    region = _csv(
        client.get(URL, {**RANGE, "table": "utilisation", "format": "csv", "level": "region"})
    )
    assert region[1][3] == "8"  # Pori's booths only, not Rauma's


@pytest.mark.parametrize("table", list(TABLES))
def test_reports__every_table_downloads_as_csv_and_xlsx_alike(client, space_use, table):
    sign_in(client, "admin")
    rows = _csv(client.get(URL, {**RANGE, "table": table, "format": "csv"}))
    response = client.get(URL, {**RANGE, "table": table, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert table in response["Content-Disposition"] or table == "visits"
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == rows and len(rows[0]) > 2


def test_reports__unknown_table_is_a_400_naming_it(client, demo):
    sign_in(client, "admin")
    response = client.get(URL, {**RANGE, "table": "salaries", "format": "csv"})
    assert response.status_code == 400
    assert b'<p role="alert">table: ' in response.content


def test_reports__page_shows_utilisation_cost_and_charts_with_their_figures(client, space_use):
    sign_in(client, "admin")
    html = client.get(URL, {**RANGE, "level": "region"}).content.decode()
    section = html[html.index('id="utilisation-h"') : html.index('id="cost-h"')]
    assert 'aria-labelledby="chart-utilisation-title"' in section
    assert "<td>Satakunta</td><td>screened service booth</td><td>12</td>" in section
    assert "table=utilisation&amp;format=csv" in section
    cost = html[html.index('id="cost-h"') : html.index('id="chains-h"')]
    assert "<td>Satakunta</td><td>2</td>" in cost and "table=cost&amp;format=xlsx" in cost
    # Without visits only the utilisation chart is drawn.
    assert html.count('<svg class="chart"') == html.count("<details>") == 1


def test_reports__visits_and_service_level_charts_with_their_figures(client, space_use):
    DailyAggregate.objects.create(
        day=date(2026, 11, 3), site=space_use["pori"], channel=Channel.IN_PERSON, walk_in=7,
        booked=3, served=10, wait_count=10, wait_sum_s=3000, wait_hist=[8, *[0] * 13, 2],
    )  # fmt: skip
    sign_in(client, "admin")
    html = client.get(URL, {**RANGE, "period": "week"}).content.decode()
    figures = html.split('<figure class="report-chart">')[1:]
    assert len(figures) == 3
    for figure in figures:
        title = figure.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
        assert '<title id="' in figure and f">{title}</title>" in figure
        assert f'<table aria-label="{title}">' in figure
    visits, level, _space = figures
    assert "<td>2026-W45</td><td>7</td><td>3</td><td>0</td>" in visits
    assert ">80.0</text>" in level and "<td>2026-W45</td><td>80</td><td>5.0</td>" in level
    assert "<script" not in "".join(figures) and "style=" not in "".join(figures)


def test_reports__page_queries_do_not_grow_with_points_or_days(client, space_use):
    """No query per row: a longer period with more points' rows costs the same queries."""
    sign_in(client, "admin")
    params = {**RANGE, "level": "site", "period": "day"}
    client.get(URL, params)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, params).status_code == 200
    for site in Site.objects.all():
        for n in range(1, 15):
            DailySpaceUse.objects.get_or_create(
                day=date(2026, 11, n), site=site, space_type=SpaceType.SERVICE_ROOM,
                defaults={"spaces": 2, "open_s": 8 * HOUR, "capacity_s": 16 * HOUR,
                          "used_s": HOUR, "used_open_s": HOUR},
            )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, params).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
