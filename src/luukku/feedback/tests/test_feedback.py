"""Feedback after a visit (issue 15 item 7): 1–5 and a comment, anonymous, per point
and agency; comments only for staff and emptied by retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luukku.access.testing import sign_in
from luukku.audit.retention import personal_data_purge
from luukku.feedback.models import Feedback
from luukku.queueing.services import ticket_create
from luukku.queueing.tests.helpers import service

pytestmark = pytest.mark.django_db

URL = "/sites/pori/feedback/"


def test_kiosk_feedback__score_and_comment_no_agency(client, demo):
    page = client.get(URL)
    assert page.status_code == 200 and 'value="kiosk"' in page.content.decode()
    r = client.post(URL, {"score": "4", "comment": "  Nopeaa!  ", "source": "kiosk"})
    assert r.status_code == 200
    fb = Feedback.objects.get()
    assert (fb.site, fb.agency, fb.score, fb.comment, fb.source) == (
        demo["pori"],
        None,
        4,
        "Nopeaa!",
        "kiosk",
    )


def test_ticket_link__names_the_agency_but_keeps_no_ticket(client, demo):
    ticket = ticket_create(site=demo["pori"], service=service("passport"), now=timezone.now())
    html = client.get(f"/sites/pori/kiosk/t/{ticket.token}/").content.decode()
    assert f"/sites/pori/feedback/?t={ticket.token}" in html and 'class="qr"' in html
    page = client.get(URL, {"t": ticket.token}).content.decode()
    assert 'value="link"' in page
    client.post(URL, {"score": "2", "t": ticket.token, "source": "link"})
    fb = Feedback.objects.get()
    assert fb.agency.code == "POLIISI" and fb.source == "link"
    assert ticket.token not in str(
        Feedback.objects.values().get()
    )  # anonymous: the ticket is not kept


@pytest.mark.parametrize(
    "data", [{"score": "0"}, {"score": "6"}, {}, {"score": "x"}, {"score": "3", "source": "spam"}]
)
def test_feedback__bad_input__400_nothing_saved(client, demo, data):
    r = client.post(URL, {"source": "kiosk", **data})
    assert r.status_code == 400 and 'role="alert"' in r.content.decode()
    assert not Feedback.objects.exists()


def test_feedback__kiosk_language(client, demo):
    html = client.get(URL, {"lang": "uk"}).content.decode()
    assert 'lang="uk"' in html


def test_reports__feedback_per_point_and_agency_comments_for_staff(client, demo):
    for score, comment in ((5, "Hyvä"), (3, "")):
        Feedback.objects.create(
            site=demo["pori"], score=score, comment=comment, source="kiosk", language="fi"
        )
    sign_in(client, "admin")
    day = timezone.localdate().isoformat()
    html = client.get(
        "/monitoring/reports/", {"date_from": day, "date_to": day, "site": "pori"}
    ).content.decode()
    section = html[html.index('id="feedback-h"') :]
    assert "<td>2</td><td>4.0</td>" in section and "Hyvä" in section
    # A public page never shows a comment.
    assert "Hyvä" not in client.get("/sites/pori/").content.decode()


def test_retention__empties_old_comments_keeps_scores(demo, settings):
    old = Feedback.objects.create(
        site=demo["pori"],
        score=1,
        comment="Matti Meikäläinen 0401234567",
        source="link",
        language="fi",
    )
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    new = Feedback.objects.create(
        site=demo["pori"], score=5, comment="ok", source="kiosk", language="fi"
    )
    assert personal_data_purge().feedback_comments == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.score, old.comment) == (1, "") and new.comment == "ok"
