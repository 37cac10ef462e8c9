"""The report page: own points for a site manager, all for the administrator; exports."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from luukku.access import policy
from luukku.access.testing import sign_in
from luukku.booking.models import Channel
from luukku.core.monitoring.figures import EDGES
from luukku.monitoring.models import DailyAggregate
from luukku.monitoring.selectors import report
from luukku.registry.models import Agency

pytestmark = pytest.mark.django_db

URL = "/monitoring/reports/"
RANGE = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def _hist(*minutes):
    counts = [0] * len(EDGES)
    for m in minutes:
        counts[EDGES.index(m)] += 1
    return counts


@pytest.fixture
def aggregates(demo):
    agency = Agency.objects.order_by("pk").first()
    for slug, walk_in, waits in (("pori", 5, (1, 20)), ("rauma", 7, (5, 5, 30))):
        for day in (date(2026, 11, 3), date(2026, 11, 4)):
            DailyAggregate.objects.create(
                day=day,
                site=demo[slug],
                agency=agency,
                channel=Channel.IN_PERSON,
                walk_in=walk_in,
                served=walk_in,
                wait_count=len(waits),
                wait_sum_s=60 * sum(waits),
                wait_hist=_hist(*waits),
            )
    return agency


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_reports__site_manager_sees_only_own_points(client, demo, aggregates):
    user = sign_in(client, "esihenkilo")
    own = {s for s in demo.values() if s.pk in policy.managed_site_ids(user)}
    response = client.get(URL, {**RANGE, "format": "csv"})
    assert response.status_code == 200
    places = {row[1] for row in _csv(response)[1:-1]}
    assert places == {s.name for s in own if s.slug in ("pori", "rauma")}
    assert demo["rauma"] not in own or "Rauma" in " ".join(places)
    # Another site by its slug is not offered (a 400 naming the field).
    other = next((s for s in demo.values() if s not in own), None)
    if other is not None:
        response = client.get(URL, {**RANGE, "site": other.slug})
        assert response.status_code == 400
        assert b"site" in response.content


def test_reports__figures_add_up_from_points_to_the_network(client, demo, aggregates):
    sign_in(client, "admin")
    by_site = report(
        date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), site_ids=None, level="site"
    )
    network = report(
        date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), site_ids=None, level="network"
    )
    assert by_site[-1].figures == network[-1].figures
    assert len(network) == 2  # one row and the total
    total = network[-1].figures
    assert total.walk_in == 2 * (5 + 7) and total.wait_count == 10
    # Waits 1,1,5,5,5,5,20,20,30,30: rank 5 of 10 is the 3rd of 4 in the 5-6 min bucket.
    assert total.median_wait_min() == 5 + (5 - 2) / 4
    response = client.get(URL, {**RANGE, "level": "network", "period": "week"})
    assert response.status_code == 200
    assert b"2026-W45" in response.content and b"Whole network" in response.content


def test_reports__csv_and_xlsx_hold_the_same_table(client, demo, aggregates):
    sign_in(client, "admin")
    rows = _csv(client.get(URL, {**RANGE, "format": "csv", "period": "day"}))
    assert rows[0][0] == "Period" and rows[-1][0] == "Total"
    assert len(rows) == 1 + 4 + 1
    response = client.get(URL, {**RANGE, "format": "xlsx", "period": "day"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [
        [("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == rows


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "1.11.2026"}, "date_from"),
        ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_to"),
        ({"period": "year"}, "period"),
        ({"level": "planet"}, "level"),
        ({"agency": "nosuch"}, "agency"),
    ],
)
def test_reports__bad_input_is_a_400_naming_the_field(client, demo, params, field):
    sign_in(client, "admin")
    response = client.get(URL, params)
    assert response.status_code == 400
    assert f'name="{field}"'.encode() in response.content
    assert b'role="alert"' in response.content


def test_reports__finnish_page_renders(client, demo, aggregates):
    sign_in(client, "esihenkilo")
    response = client.get(URL, RANGE, headers={"accept-language": "fi"})
    assert response.status_code == 200
    assert b"<h1>Raportit</h1>" in response.content


def test_reports__info_desk_contacts_per_agency_and_outcome(client, demo):
    """The advice statistics the info desk records in one click (luukku.advice)."""
    from datetime import UTC, datetime

    from luukku.advice.models import AdviceContact, Outcome
    from luukku.registry.models import Service

    passport = Service.objects.select_related("agency").get(code="passport")
    at = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    for site, service, outcome, seconds in (
        ("pori", passport, Outcome.ROUTED_ON_SITE, 120),
        ("pori", passport, Outcome.ROUTED_ON_SITE, 240),
        ("pori", None, Outcome.DIGITAL_SUPPORT, 600),
        ("rauma", passport, Outcome.SOLVED, 60),
    ):
        AdviceContact.objects.create(
            site=demo[site],
            service=service,
            agency=service.agency if service else None,
            outcome=outcome,
            channel="in_person",
            language="fi",
            started_at=at,
            recorded_at=at,
            duration_s=seconds,
        )
    sign_in(client, "admin")
    html = client.get(URL, {**RANGE, "site": "pori"}).content.decode()
    section = html[html.index('id="advice-h"') :]
    assert (
        f"<td>{passport.agency.name}</td><td>Routed to an agency on site</td><td>2</td><td>3.0</td>"
        in section
    )
    assert "<td>General advice</td><td>Digital support given</td><td>1</td><td>10.0</td>" in section
    assert "Solved by advice" not in section  # Rauma's contact is not Pori's


def test_reports__a_row_per_service__adds_up_to_the_agency(client, demo, aggregates):
    """Per service on request: the service column appears and the total is unchanged."""
    services = list(aggregates.services.order_by("pk")[:2])
    assert len(services) == 2
    DailyAggregate.objects.filter(site=demo["pori"]).update(service=services[0])
    DailyAggregate.objects.filter(site=demo["rauma"]).update(service=services[1])
    sign_in(client, "admin")
    plain = _csv(client.get(URL, {**RANGE, "format": "csv", "level": "network"}))
    per = _csv(client.get(URL, {**RANGE, "format": "csv", "level": "network", "by_service": "on"}))
    assert "Service" not in plain[0] and per[0][3] == "Service"
    assert {row[3] for row in per[1:-1]} == {s.name_en for s in services}
    assert per[-1][4:] == plain[-1][3:]  # the same total (walk-ins onwards)
    page = client.get(URL, {**RANGE, "level": "network", "by_service": "on"})
    assert page.status_code == 200 and services[0].name_en.encode() in page.content
