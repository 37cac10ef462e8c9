"""Visit plans and the hand-over note (issue 15 items 2 and 4): today's services on one
number, the rest booked as a chain, needs carried to every step, the customer's copy in
their language, and the note readable only by the consented agencies' officials."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from luukku.access.testing import new_official, sign_in
from luukku.advice.models import HandoverNote, PlanWhen, VisitPlan
from luukku.advice.plans import PlanNeeds, booking_options, chain_key, plan_link
from luukku.audit.models import AccessAction, AccessEvent
from luukku.audit.retention import personal_data_purge
from luukku.queueing.models import Ticket
from luukku.queueing.services import ticket_call, ticket_finish
from luukku.registry.models import Service

pytestmark = pytest.mark.django_db

# A family of four just moved to Finland: a booth seats two, so they are served in
# rooms — DVV's registration and Kela's cover today, ELY's integration advice later.
TODAY = ["foreigner-registration", "social-security-coverage"]
LATER = ["integration-advice"]
SERVICES = TODAY + LATER


@pytest.fixture
def advisor(advice_demo):
    c = Client()
    sign_in(c, "neuvoja")
    return c


def _option(site, family=True):
    needs = PlanNeeds("ar", 4, False, "ar") if family else PlanNeeds()
    chains = booking_options(site, [Service.objects.get(code=c) for c in LATER], needs)
    assert chains, "the demo has free times for the later service"
    return chain_key(chains[0])


def _form(site, **extra):
    data = {
        "site": site.pk,
        "service": SERVICES,
        "today": TODAY,
        "language": "ar",
        "group_size": "4",
        "interpreter_language": "ar",
        "name": "Perhe Haddad",
        "phone": "040 123 4567",
        "option": _option(site),
        "make": "1",
    }
    return data | extra


def test_planner__lists_the_services_with_today_and_later_times(advisor, advice_demo):
    pori = advice_demo["pori"]
    query = "&".join(f"service={c}" for c in SERVICES)
    r = advisor.get(f"/advice/plans/new/?{query}&site={pori.pk}")
    html = r.content.decode()
    assert r.status_code == 200
    for code in SERVICES:
        assert f'data-plan-service="{code}"' in html
    # Everything can be served today at Pori, so nothing needs a time yet.
    assert 'name="option"' not in html
    r = advisor.post("/advice/plans/new/", _form(pori) | {"make": "", "refresh": "1"})
    assert r.status_code == 200
    assert 'name="option"' in r.content.decode()


def test_make__two_today_on_one_number_one_booked__needs_on_every_step(advisor, advice_demo):
    pori = advice_demo["pori"]
    r = advisor.post("/advice/plans/new/", _form(pori))
    assert r.status_code == 302, r.content.decode()[:2000]
    plan = VisitPlan.objects.get()
    assert r["Location"] == f"/advice/plans/{plan.pk}/"
    ticket = plan.ticket
    assert ticket.service.code == TODAY[0]
    assert [s.service.code for s in ticket.steps.order_by("position")] == TODAY[1:]
    assert (ticket.group_size, ticket.interpreter_language) == (4, "ar")
    booking = plan.visit.bookings.get()
    assert booking.service.code == LATER[0]
    assert (plan.visit.group_size, plan.visit.interpreter_language) == (4, "ar")
    items = list(plan.items.order_by("position"))
    assert [i.service.code for i in items] == SERVICES
    assert [i.when for i in items] == [PlanWhen.TODAY, PlanWhen.TODAY, PlanWhen.LATER]
    assert items[2].booking == booking
    # The advisor's page: the copy in Arabic, right to left, with the number and the time.
    page = advisor.get(f"/advice/plans/{plan.pk}/?lang=ar").content.decode()
    assert 'lang="ar" dir="rtl" id="plan-copy"' in page
    assert ticket.number in page and plan.visit.code in page
    assert "data-print" in page
    # Recording the contact is one press on the same page.
    assert re.search(r'<button type="submit" name="outcome" value="routed_on_site"', page)


def test_make__bad_input_is_refused_naming_the_field_and_kept(advisor, advice_demo):
    pori = advice_demo["pori"]
    cases = [
        ({"group_size": "0"}, "group_size"),
        ({"interpreter_language": "xx"}, "interpreter_language"),
        ({"language": "de"}, "language"),
        ({"option": "2026-01-01T10:00:00,in_person;x"}, "option"),
        ({"option": "not a time,in_person"}, "option"),
        ({"name": ""}, "name"),
        ({"phone": "12"}, "phone"),
        ({"consent": "on", "note": ""}, "note"),
        ({"consent": "on", "note": "x", "note_agency": ["POLIISI"]}, "note_agencies"),
        ({"today": ["tax-card", *TODAY], "service": ["tax-card", "no-such"]}, None),
    ]
    for change, field in cases:
        r = advisor.post("/advice/plans/new/", _form(pori) | change)
        if field is None:  # an unknown service: back to the triage with the message
            assert r.status_code == 302
            continue
        html = r.content.decode()
        assert r.status_code == 400, (change, r.status_code)
        assert f'data-field="{field}"' in html, (change, html[:3000])
        assert 'value="Perhe Haddad"' in html or change.get("name") == ""
    assert not VisitPlan.objects.exists() and not Ticket.objects.exists()


def test_make__a_time_taken_meanwhile_makes_nothing_and_offers_the_next(advisor, advice_demo):
    pori = advice_demo["pori"]
    form = _form(pori)
    assert advisor.post("/advice/plans/new/", form).status_code == 302
    tickets = Ticket.objects.count()
    again = advisor.post("/advice/plans/new/", form | {"phone": "040 765 4321"})
    # Both plans' later legs want the same official at the same time only if the demo has
    # one tax official; whichever, nothing half-made is left behind.
    if again.status_code == 409:
        assert Ticket.objects.count() == tickets
        assert VisitPlan.objects.count() == 1
        assert 'name="option"' in again.content.decode()
    else:
        assert again.status_code == 302


def _plan_with_note(advisor, pori, agencies=("DVV", "KELA")):
    form = _form(pori) | {
        "consent": "on",
        "note": "Family of four, arrived last week; father works in Pori.",
        "note_agency": list(agencies),
    }
    assert advisor.post("/advice/plans/new/", form).status_code == 302
    return VisitPlan.objects.latest("pk")


def test_note__kept_with_consent_for_the_agencies_named(advisor, advice_demo):
    plan = _plan_with_note(advisor, advice_demo["pori"])
    note = plan.note
    assert sorted(a.code for a in note.agencies.all()) == ["DVV", "KELA"]
    assert note.consent_asked_by.user.username == "neuvoja"
    assert note.consent_at is not None
    # The advisor's page says it is there and for whom, not what it says.
    page = advisor.get(f"/advice/plans/{plan.pk}/").content.decode()
    assert "DVV, KELA" in page and "father works" not in page


def test_note__without_consent_no_note_is_kept(advisor, advice_demo):
    form = _form(advice_demo["pori"]) | {"note": "should not be kept"}
    assert advisor.post("/advice/plans/new/", form).status_code == 302
    assert not HandoverNote.objects.exists()


def test_note__read_by_consented_agency_page_and_api__audited(
    advisor, advice_demo, django_capture_on_commit_callbacks
):
    pori = advice_demo["pori"]
    note = _plan_with_note(advisor, pori).note
    kela = new_official("kela.virkailija2", "KELA", pori)
    with django_capture_on_commit_callbacks(execute=True):
        page = kela.get(f"/advice/notes/{note.pk}/")
        api = kela.get(f"/api/v1/advice/notes/{note.pk}")
    assert page.status_code == 200 and "father works" in page.content.decode()
    assert api.status_code == 200 and api.json()["agencies"] == ["DVV", "KELA"]
    events = AccessEvent.objects.filter(action=AccessAction.NOTE, plan_id=note.plan_id)
    assert events.count() == 2
    assert {e.actor_username for e in events} == {"kela.virkailija2"}
    assert "father" not in str(list(events.values()))


@pytest.mark.parametrize(
    "agency",
    [
        "ELY",  # in the chain, but the customer did not consent to it
        "MIGRI",  # outside the chain altogether
    ],
)
def test_note__refused_to_other_agencies_page_and_api(
    advisor, advice_demo, agency, django_capture_on_commit_callbacks
):
    pori = advice_demo["pori"]
    note = _plan_with_note(advisor, pori).note
    other = new_official(f"{agency.lower()}.virkailija", agency, pori)
    with django_capture_on_commit_callbacks(execute=True):
        assert other.get(f"/advice/notes/{note.pk}/").status_code == 404
        assert other.get(f"/api/v1/advice/notes/{note.pk}").status_code == 404
        assert advisor.get(f"/advice/notes/{note.pk}/").status_code == 403  # not an official
    assert not AccessEvent.objects.filter(action=AccessAction.NOTE).exists()


def test_note__linked_from_the_desk_of_the_consented_agency(advisor, advice_demo):
    from luukku.queueing.tests.helpers import serve

    pori = advice_demo["pori"]
    plan = _plan_with_note(advisor, pori)
    dvv = new_official("dvv.virkailija", "DVV", pori)
    profile, scope = serve("dvv.virkailija", TODAY[0], site=pori)
    ticket_call(ticket_id=plan.ticket_id, official=profile, scope=scope)
    page = dvv.get("/desk/").content.decode()
    assert f'href="/advice/notes/{plan.note.pk}/"' in page
    # The Kela official next in the chain, consented to, gets the link too.
    kela = new_official("kela.virkailija2", "KELA", pori)
    ticket_finish(ticket=Ticket.objects.get(pk=plan.ticket_id), official=profile)
    profile, scope = serve("kela.virkailija2", TODAY[1], site=pori)
    ticket_call(ticket_id=plan.ticket_id, official=profile, scope=scope)
    page = kela.get("/desk/").content.decode()
    assert f'href="/advice/notes/{plan.note.pk}/"' in page


def test_public_copy__by_link_without_sign_in__no_note_no_name(advisor, advice_demo):
    plan = _plan_with_note(advisor, advice_demo["pori"])
    link = plan_link(plan).split("://", 1)[1].split("/", 1)[1]
    r = Client().get(f"/{link}?lang=so")
    html = r.content.decode()
    assert r.status_code == 200 and r["Content-Language"] == "so"
    assert plan.ticket.number in html
    assert "father works" not in html and "Haddad" not in html
    assert Client().get("/plans/forged-token/").status_code == 404


def test_send__by_email_in_the_chosen_language_bad_phone_named(advisor, advice_demo):
    plan = _plan_with_note(advisor, advice_demo["pori"])
    mail.outbox.clear()
    bad = advisor.post(f"/advice/plans/{plan.pk}/send/", {"phone": "12", "lang": "en"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    ok = advisor.post(f"/advice/plans/{plan.pk}/send/", {"email": "perhe@example.fi", "lang": "en"})
    assert ok.status_code == 302
    plan.refresh_from_db()
    assert plan.email == "perhe@example.fi" and plan.sent_at is not None


def test_retention__the_note_goes_with_the_visits_personal_data(advisor, advice_demo, settings):
    plan = _plan_with_note(advisor, advice_demo["pori"])
    soon = timezone.now() + timedelta(days=1)
    assert personal_data_purge(now=soon).plans == 0
    later = timezone.now() + timedelta(days=settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS + 30)
    result = personal_data_purge(now=later)
    assert result.plans == 1
    plan.refresh_from_db()
    assert plan.anonymised_at is not None and plan.phone == ""
    assert not HandoverNote.objects.exists()
    assert plan.items.count() == 3  # what was planned stays, for the statistics


def test_check_in__the_advisor_checks_a_booking_in_for_the_customer(advisor, advice_demo):
    from luukku.queueing.tests.helpers import booking

    pori = advice_demo["pori"]
    r = advisor.post("/advice/check-in/", {"site": pori.pk, "code": "NOSUCH12"})
    html = r.content.decode()
    assert r.status_code == 404 and 'id="advice-code-error"' in html
    assert 'value="NOSUCH12"' in html  # kept, to correct
    b = booking(pori, "tax-card", timezone.now() + timedelta(minutes=5))
    b.code = "ABCD2345"
    b.save(update_fields=["code"])
    r = advisor.post("/advice/check-in/", {"site": pori.pk, "code": b.code}, follow=True)
    ticket = Ticket.objects.get(booking=b)
    assert ticket.number in r.content.decode()
