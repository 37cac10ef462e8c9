"""HTTP API of the info desk: the triage search (for the desk now; the kiosk and the
booking page may call it later)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from luukku.access.policy import can_read_handover_note
from luukku.advice import plan_selectors, selectors
from luukku.audit.services import actor_of, note_access_record
from luukku.booking.api import ApiError, ErrorOut

router = Router(tags=["advice"])


class GuideOut(Schema):
    what_to_bring: str
    fees: str
    online_url: str
    online_note: str


class ServiceMatchOut(Schema):
    code: str
    name: str
    agency: str
    agency_name: str
    score: float
    matched: list[str]
    guide: GuideOut | None


@router.get("/search", response=list[ServiceMatchOut])
def search(request, q: str = "", limit: int = 10):
    """Services for what the customer says (fi/sv/en, inflected or misspelt), best first,
    each with its knowledge-bank entry in the request's language; 422 names the bad field."""
    try:
        results = selectors.triage_search(q, limit=limit)
    except selectors.QueryError as exc:
        raise ApiError(422, ["query", exc.field], str(exc)) from exc
    return [
        {
            "code": r.service.code,
            "name": r.service.name,
            "agency": r.service.agency.code,
            "agency_name": r.service.agency.name,
            "score": round(r.score, 1),
            "matched": list(r.matched),
            "guide": None
            if r.guide is None
            else {
                "what_to_bring": r.guide.what_to_bring or "",
                "fees": r.guide.fees or "",
                "online_url": r.guide.online_url,
                "online_note": r.guide.online_note or "",
            },
        }
        for r in results
    ]


class NoteOut(Schema):
    id: int
    text: str
    agencies: list[str]
    consent_at: datetime
    services: list[str]


@router.get("/notes/{note_id}", response={200: NoteOut, 404: ErrorOut})
def note(request, note_id: int):
    """A hand-over note, for an official of an agency the customer consented to (else 404,
    the same as for no note); every read is recorded in the audit log."""
    found = plan_selectors.note_get(note_id)
    if found is None or not can_read_handover_note(request.user, found):
        raise ApiError(404, ["path", "note_id"], "Not found.")
    note_access_record(actor=actor_of(request), note=found)
    return {
        "id": found.pk,
        "text": found.text,
        "agencies": sorted(a.code for a in found.agencies.all()),
        "consent_at": found.consent_at,
        "services": [i.service.code for i in found.plan.items.all()],
    }
