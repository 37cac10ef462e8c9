from __future__ import annotations

import pytest
from django.test import Client

from luukku.access.testing import sign_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/advice/search"


@pytest.fixture
def advisor(advice_demo):
    c = Client()
    sign_in(c, "neuvoja")
    return c


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("passia", "passport"),
        ("verokortin", "tax-card"),
        ("oleskeluluvan", "residence-permit"),
        ("työttömäksi", "jobseeker-registration"),
    ],
)
def test_search__same_results_as_the_page(advisor, q, code):
    r = advisor.get(URL, {"q": q})
    assert r.status_code == 200
    codes = [row["code"] for row in r.json()]
    assert code in codes[:2]


def test_search__carries_the_knowledge_bank(advisor):
    row = advisor.get(URL, {"q": "passi"}).json()[0]
    assert row["code"] == "passport" and row["agency"] == "POLIISI"
    assert row["guide"]["online_url"] == "https://poliisi.fi/passi"
    assert row["guide"]["what_to_bring"]


def test_search__empty_query_is_an_empty_list(advisor):
    assert advisor.get(URL).json() == []


@pytest.mark.parametrize(
    ("params", "field"), [({"q": "x" * 201}, "q"), ({"q": "a", "limit": 0}, "limit")]
)
def test_search__bad_input_is_422_naming_the_field(advisor, params, field):
    r = advisor.get(URL, params)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", field]


def test_search__refused_to_anonymous_and_officials(advice_demo):
    assert Client().get(URL, {"q": "passi"}).status_code == 401
    c = Client()
    sign_in(c, "kela.pori1")
    assert c.get(URL, {"q": "passi"}).status_code == 403


@pytest.mark.parametrize(
    ("language", "name", "fees"),
    [
        ("fi", "Passi", "Hakemus verkossa"),
        ("sv", "Pass", "Ansökan på nätet"),
        ("en", "Passport", "Applying"),
    ],
)
def test_search__answers_in_the_requested_language(advisor, language, name, fees):
    row = advisor.get(URL, {"q": "passia"}, HTTP_ACCEPT_LANGUAGE=language).json()[0]
    assert row["name"] == name and row["guide"]["fees"].startswith(fees)
