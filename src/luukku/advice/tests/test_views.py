from __future__ import annotations

import pytest
from django.test import Client

from luukku.access.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(advice_demo):
    c = Client()
    sign_in(c, "neuvoja")
    return c


def test_triage__advisor_finds_services_beside_the_knowledge_bank(advisor):
    r = advisor.get("/advice/", {"q": "passia"})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-service="passport"' in page
    assert "https://poliisi.fi/passi" in page  # the knowledge bank, beside the result
    assert 'data-life-event="moving-to-finland"' in page


def test_triage__life_events_shown_without_a_query(advisor):
    r = advisor.get("/advice/")
    assert r.status_code == 200
    page = r.content.decode()
    for code in ("moving-to-finland", "losing-a-job", "child-is-born"):
        assert f'data-life-event="{code}"' in page
    assert "advice-result" not in page


def test_triage__too_long_query_is_a_400_naming_it(advisor):
    r = advisor.get("/advice/", {"q": "x" * 201})
    assert r.status_code == 400
    assert b'aria-invalid="true"' in r.content


def test_triage__swedish_page(advisor):
    advisor.cookies["django_language"] = "sv"
    r = advisor.get("/advice/", {"q": "skattekort"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert r.status_code == 200
    assert 'data-service="tax-card"' in r.content.decode()


@pytest.mark.parametrize(("username", "status"), [("esihenkilo", 200), ("kela.pori1", 403)])
def test_triage__who_may_open_it(advice_demo, username, status):
    c = Client()
    sign_in(c, username, verified=True)
    assert c.get("/advice/").status_code == status


def test_triage__anonymous_is_sent_to_sign_in(advice_demo):
    r = Client().get("/advice/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_triage__query_count(advisor, django_assert_max_num_queries):
    # + the open help requests of the page's help panel
    with django_assert_max_num_queries(13):
        assert advisor.get("/advice/", {"q": "verokortin"}).status_code == 200


def test_triage__finnish_by_default_and_swedish_on_request(advisor):
    fi = advisor.get("/advice/", {"q": "passi"}).content.decode()
    assert "Löytyneet palvelut" in fi and "Mukaan tarvitaan" in fi
    advisor.cookies["django_language"] = "sv"
    sv = advisor.get("/advice/", {"q": "passi"}).content.decode()
    assert "Hittade tjänster" in sv and "Flytta till Finland" in sv


def test_landing__links_to_the_info_desk(advice_demo):
    assert 'href="/advice/"' in Client().get("/").content.decode()
