"""Change records (django-auditlog): who changed a visit or booking, from where, values masked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from luukku.audit.changes import MASK
from luukku.booking.models import Booking, Visit
from luukku.booking.tests.staff_helpers import EMAIL, NAME, PHONE, login, make_booking

pytestmark = pytest.mark.django_db


def test_changes__visit_created__personal_fields_masked_secret_left_out(demo):
    b = make_booking(demo["pori"], "benefit-advice", timezone.now() + timedelta(hours=1))
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Visit), object_id=b.visit_id
    )
    changes = entry.changes_dict
    assert changes["name"] == ["None", MASK] or changes["name"][1] == MASK
    assert "token_hash" not in changes
    text = str(entry.changes) + entry.object_repr
    assert NAME not in text and PHONE not in text and EMAIL not in text


def test_changes__staff_cancel__recorded_with_who_and_where(client, demo):
    b = make_booking(demo["pori"], "benefit-advice", timezone.now() + timedelta(hours=1))
    user = login(client, "kela.pori1")
    client.post(
        reverse("staff:cancel", kwargs={"code": b.code}),
        {"reason": "Asiakas soitti"},
        REMOTE_ADDR="198.51.100.7",
    )
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Booking), object_id=b.pk, actor=user
    )
    assert entries.exists()
    assert {e.remote_addr for e in entries} == {"198.51.100.7"}
    changed = {k for e in entries for k in e.changes_dict}
    assert {"state", "cancel_reason"} <= changed
    assert all("Asiakas soitti" not in str(e.changes) for e in entries)


def test_changes__ticket_sms_and_safe_room__recorded_masked(demo):
    from luukku.queueing.models import Ticket
    from luukku.queueing.services import ticket_create, ticket_flag_safe_room, ticket_sms
    from luukku.registry.models import Service

    ticket = ticket_create(site=demo["pori"], service=Service.objects.get(code="housing-allowance"))
    ticket_sms(ticket=ticket, phone="040 765 9999")
    ticket_flag_safe_room(ticket=ticket, needs=True)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Ticket), object_id=ticket.pk
    )
    assert {k for e in entries for k in e.changes_dict} == {"phone", "needs_safe_room"}
    assert all("7659999" not in str(e.changes) for e in entries)
