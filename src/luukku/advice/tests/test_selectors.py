from __future__ import annotations

import pytest

from luukku.advice import selectors
from luukku.advice.models import LifeEvent, ServiceGuide

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("passia", "passport"),
        ("verokortin", "tax-card"),
        ("oleskeluluvan", "residence-permit"),
        ("työttömäksi", "jobseeker-registration"),
        ("skattekort", "tax-card"),
        ("inheritance", "inheritance-tax"),
    ],
)
def test_triage_search__demo_services(advice_demo, query, code):
    codes = [r.service.code for r in selectors.triage_search(query)]
    assert code in codes[:2], codes


def test_triage_search__a_sentence_finds_both_matters(advice_demo):
    codes = [
        r.service.code for r in selectors.triage_search("tarvitsen verokortin ja oleskeluluvan")
    ]
    assert "tax-card" in codes[:3] and "residence-permit" in codes[:3], codes


def test_triage_search__guide_keywords_find_the_service(advice_demo):
    # "kuolema" (death) is in the knowledge bank's words, not in the service's own.
    results = selectors.triage_search("kuolema")
    assert results[0].service.code == "inheritance-tax"
    assert results[0].guide is not None and results[0].guide.fees


def test_triage_search__bad_input_names_the_field(advice_demo):
    with pytest.raises(selectors.QueryError) as e:
        selectors.triage_search("x" * 201)
    assert e.value.field == "q"
    with pytest.raises(selectors.QueryError) as e:
        selectors.triage_search("passi", limit=0)
    assert e.value.field == "limit"
    assert selectors.triage_search("   ") == []


def test_demo_seed__life_events_in_order(advice_demo):
    events = {e.code: e for e in selectors.life_event_list()}
    assert set(events) == {
        "moving-to-finland",
        "losing-a-job",
        "death-in-the-family",
        "retiring",
        "starting-a-business",
        "child-is-born",
    }
    moving = [s.service.agency.code for s in events["moving-to-finland"].steps.all()]
    assert moving == ["MIGRI", "DVV", "DVV", "VERO", "KELA", "ELY", "TE"]
    assert events["losing-a-job"].steps.all()[0].service.agency.code == "TE"
    moving = LifeEvent.objects.get(code="moving-to-finland")
    assert (moving.name_fi, moving.name_sv, moving.name_en) == (
        "Muutto Suomeen",
        "Flytta till Finland",
        "Moving to Finland",
    )
    guide = ServiceGuide.objects.get(service__code="passport")
    assert guide.fees_en.startswith("Applying online") and guide.fees_fi.startswith("Hakemus")


def test_demo_seed__idempotent(advice_demo):
    from luukku.advice.services import demo_seed

    before = demo_seed()
    assert demo_seed() == before
    assert ServiceGuide.objects.get(service__code="passport").online_url


def test_life_event_list__query_count(advice_demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        events = selectors.life_event_list()
        names = [s.service.agency.name for e in events for s in e.steps.all()]
    assert names
