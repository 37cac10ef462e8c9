"""Planning from measured usage (issue 16 item 6): a point's last year fills the planner,
measured beside assumed, and the verdict says where the point is over- or under-sized."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from luukku.booking.models import Channel
from luukku.core.planning.inputs import load_defaults
from luukku.monitoring.models import DailyAggregate
from luukku.monitoring.services import local_today
from luukku.planning.forms import field_name
from luukku.planning.measured import measured_usage, site_stock
from luukku.registry.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(client, demo):
    client.force_login(get_user_model().objects.get(username="suunnittelija"))
    return client


@pytest.fixture
def pori_year(demo):
    """Kela at Pori: 100 visits on each of 10 recorded days, 20-min services."""
    kela = Agency.objects.get(code="KELA")
    today = local_today(timezone.now())
    for i in range(1, 11):
        DailyAggregate.objects.create(
            day=today - timedelta(days=i), site=demo["pori"], agency=kela,
            channel=Channel.IN_PERSON, walk_in=70, booked=30, cancelled=2, served=100,
            service_count=100, service_sum_s=100 * 20 * 60, wait_count=100,
            wait_sum_s=100 * 6 * 60, wait_hist=[100],
        )  # fmt: skip
    return demo["pori"]


def test_measured_usage__scales_the_recorded_days_to_a_year(pori_year):
    m = measured_usage(pori_year, local_today(timezone.now()), load_defaults())
    kela = next(a for a in m.agencies if a.code == "KELA")
    assert m.days == 10
    working_days = m.visits()["KELA"] / 100  # 100 visits a recorded day
    assert 255 <= working_days <= 263  # the year's weekdays
    assert kela.service_min == pytest.approx(20.0) and kela.mean_wait_min == pytest.approx(6.0)
    assert kela.planned_service_min == load_defaults().agencies["KELA"].service_time_min


def test_site_stock__the_points_spaces_as_the_planners_types(demo):
    stock = site_stock(demo["pori"])
    assert stock["booth"][0] >= 1 and all(count >= 0 for count, _m2 in stock.values())


def test_planner_page__from_measured_usage(planner, pori_year):
    page = planner.get("/planning/", {"measured": "pori"}).content.decode()
    assert "Measured at" in page or "Mitattu" in page
    value = re.search(rf'name="{field_name("KELA")}" value="([0-9.]+)"', page).group(1)
    assert 25_000 <= float(value) <= 27_000
    assert 'name="measured" value="pori"' in page
    # The plan with the point's stock says where it is over- or under-sized.
    form = {
        k: v for k, v in re.findall(r'<input type="number" name="([^"]+)" value="([^"]*)"', page)
    }
    form |= {"size": "L", "measured": "pori"}
    result = planner.get("/planning/", form)
    assert result.status_code == 200
    assert 'class="sizing-verdict"' in result.content.decode()
