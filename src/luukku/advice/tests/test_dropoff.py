"""Document drop-off with a receipt (issue 15 item 9): recorded at the info desk, seen and
received by the agency's officials only, every look at the customer's name audited, the
personal data gone after the retention time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from luukku.access.testing import new_official, sign_in
from luukku.advice.models import DocumentDropOff
from luukku.audit.models import AccessAction, AccessEvent
from luukku.audit.retention import personal_data_purge
from luukku.core.advice.receipt import receipt_valid
from luukku.registry.models import Agency

pytestmark = pytest.mark.django_db

FORM = {
    "agency": "MIGRI",
    "documents": "Signed application, two payslips",
    "name": "Amal Haddad",
    "phone": "040 123 4567",
}


@pytest.fixture
def advisor(advice_demo):
    c = Client()
    sign_in(c, "neuvoja")
    return c


def _record(advisor, **change) -> DocumentDropOff:
    r = advisor.post("/advice/dropoffs/new/", FORM | change)
    assert r.status_code == 302, r.content.decode()[:1500]
    return DocumentDropOff.objects.latest("pk")


def test_advisor_records_and_gets_a_dated_receipt(advisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = _record(advisor)
        page = advisor.get(f"/advice/dropoffs/{d.pk}/receipt/")
    html = page.content.decode()
    assert d.receipt_code.startswith("MIGRI-") and receipt_valid(d.receipt_code)
    assert d.phone == "+358401234567" and d.recorded_by.user.username == "neuvoja"
    assert d.receipt_code in html and "Amal Haddad" in html and "data-print" in html
    assert timezone.localtime(d.left_at).strftime("%-d.%-m.%Y") in html
    assert AccessEvent.objects.filter(dropoff_id=d.pk, action=AccessAction.OPEN).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agency": "NOPE"}, "agency"),
        ({"documents": "  "}, "documents"),
        ({"documents": "x" * 301}, "documents"),
        ({"name": ""}, "name"),
        ({"phone": "12"}, "phone"),
        ({"phone": "", "email": ""}, "phone"),
        ({"email": "not-an-address", "phone": ""}, "email"),
        ({"service": "tax-card"}, "service"),  # not a MIGRI service
    ],
)
def test_bad_input_is_refused_naming_the_field_and_kept(advisor, change, field):
    r = advisor.post("/advice/dropoffs/new/", FORM | change)
    html = r.content.decode()
    assert r.status_code == 400 and f'data-field="{field}"' in html
    if change.get("name", "x"):
        assert "Amal Haddad" in html or "name" in change
    assert not DocumentDropOff.objects.exists()


def test_the_agencys_official_lists_and_receives__others_do_not(
    advisor, advice_demo, django_capture_on_commit_callbacks
):
    pori = advice_demo["pori"]
    d = _record(advisor)
    migri = new_official("migri.x", "MIGRI", pori)
    kela = new_official("kela.x", "KELA", pori)
    with django_capture_on_commit_callbacks(execute=True):
        mine = migri.get("/advice/dropoffs/").content.decode()
        theirs = kela.get("/advice/dropoffs/").content.decode()
    assert f'data-dropoff="{d.receipt_code}"' in mine
    assert d.receipt_code not in theirs
    assert AccessEvent.objects.filter(dropoff_id=d.pk, action=AccessAction.LIST).count() == 1
    assert kela.get(f"/advice/dropoffs/{d.pk}/receipt/").status_code == 404
    assert kela.post(f"/advice/dropoffs/{d.pk}/received/").status_code == 404
    assert advisor.post(f"/advice/dropoffs/{d.pk}/received/").status_code == 403
    assert migri.post(f"/advice/dropoffs/{d.pk}/received/").status_code == 302
    d.refresh_from_db()
    assert d.received_at is not None and d.received_by.user.username == "migri.x"
    first = d.received_at
    migri.post(f"/advice/dropoffs/{d.pk}/received/")  # again: nothing changes
    d.refresh_from_db()
    assert d.received_at == first


def test_desk_shows_the_count_of_open_dropoffs(advisor, advice_demo):
    _record(advisor)
    _record(advisor, documents="A birth certificate")
    migri = new_official("migri.x", "MIGRI", advice_demo["pori"])
    html = migri.get("/desk/").content.decode()
    assert 'id="dropoffs-link"' in html and ": 2</a>" in html


def test_api_create_list_receive(advisor, advice_demo):
    pori = advice_demo["pori"]
    url = "/api/v1/advice/dropoffs"
    body = FORM | {"site": "pori"}
    bad = advisor.post(url, body | {"phone": "12"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"][0]["loc"] == ["body", "phone"]
    made = advisor.post(url, body, content_type="application/json")
    assert made.status_code == 201 and receipt_valid(made.json()["receipt_code"])
    migri = new_official("migri.x", "MIGRI", pori)
    kela = new_official("kela.x", "KELA", pori)
    assert [d["receipt_code"] for d in migri.get(url).json()] == [made.json()["receipt_code"]]
    assert kela.get(url).json() == []
    pk = made.json()["id"]
    assert kela.post(f"{url}/{pk}/received").status_code == 404
    done = migri.post(f"{url}/{pk}/received")
    assert done.status_code == 200 and done.json()["received_at"]
    assert advisor.get(url).status_code == 403


def test_retention_empties_the_personal_data(advisor, settings):
    d = _record(advisor)
    assert personal_data_purge(now=timezone.now() + timedelta(days=1)).dropoffs == 0
    later = timezone.now() + timedelta(days=settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS + 1)
    assert personal_data_purge(now=later).dropoffs == 1
    d.refresh_from_db()
    assert (d.name, d.phone, d.email, d.documents) == ("", "", "", "")
    assert d.anonymised_at is not None and d.receipt_code  # the statistics keep the rest


def test_retention_counts_from_receipt_by_the_agency(advisor, settings):
    d = _record(advisor)
    days = settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS
    DocumentDropOff.objects.filter(pk=d.pk).update(
        left_at=timezone.now() - timedelta(days=days + 5),
        received_at=timezone.now() - timedelta(days=2),
    )
    assert personal_data_purge().dropoffs == 0  # received two days ago: kept
    assert personal_data_purge(now=timezone.now() + timedelta(days=days)).dropoffs == 1


def test_audit_log_names_notes_and_dropoffs(
    advisor, advice_demo, django_capture_on_commit_callbacks
):
    from luukku.audit.selectors import audit_log

    d = _record(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        advisor.get(f"/advice/dropoffs/{d.pk}/receipt/")
    admin = get_user_model().objects.get(username="admin")
    rows = [r for r in audit_log(admin) if r.kind == "dropoff"]
    assert rows and rows[0].object_id == d.pk


def test_left_where_the_agency_does_not_serve__its_officials_elsewhere_receive(
    advisor, advice_demo
):
    """Documents for an agency with no one at that point still reach the agency."""
    pori, rauma = advice_demo["pori"], advice_demo["rauma"]
    migri = Agency.objects.get(code="MIGRI")
    assert (
        pori.agencies_on_site.filter(pk=migri.pk).exists()
        or pori.agencies_remote.filter(pk=migri.pk).exists()
    )
    d = _record(advisor)
    elsewhere = new_official("migri.r", "MIGRI", rauma)
    # MIGRI serves at Pori: its officials there receive it, not one at Rauma.
    assert d.receipt_code not in elsewhere.get("/advice/dropoffs/").content.decode()
    assert elsewhere.post(f"/advice/dropoffs/{d.pk}/received/").status_code == 404
    pori.agencies_on_site.remove(migri)
    pori.agencies_remote.remove(migri)
    assert f'data-dropoff="{d.receipt_code}"' in elsewhere.get("/advice/dropoffs/").content.decode()
    kela = new_official("kela.r", "KELA", rauma)
    assert d.receipt_code not in kela.get("/advice/dropoffs/").content.decode()
    assert elsewhere.post(f"/advice/dropoffs/{d.pk}/received/").status_code == 302
    d.refresh_from_db()
    assert d.received_by.user.username == "migri.r"
