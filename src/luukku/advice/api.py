"""HTTP API of the info desk: the triage search (for the desk now; the kiosk and the
booking page may call it later)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from luukku.access.policy import can_read_handover_note, can_receive_dropoff, profile_of, scope_of
from luukku.advice import plan_selectors, selectors
from luukku.advice.dropoff import (
    DropOffError,
    DropOffIn,
    dropoff_receive,
    dropoff_record,
    dropoffs_for,
)
from luukku.advice.models import DocumentDropOff
from luukku.advice.selectors import staff_sites
from luukku.audit.models import AccessAction
from luukku.audit.services import actor_of, dropoff_access_record, note_access_record
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


class DropOffBody(Schema):
    site: str = Field(max_length=60)
    agency: str = Field(max_length=20)
    service: str = Field("", max_length=60)
    documents: str = Field(max_length=300)
    name: str = Field(max_length=100)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class DropOffOut(Schema):
    id: int
    receipt_code: str
    site: str
    agency: str
    service: str | None
    documents: str
    name: str
    phone: str
    email: str
    left_at: datetime
    received_at: datetime | None


def _dropoff_out(d: DocumentDropOff) -> dict:
    return {
        "id": d.pk,
        "receipt_code": d.receipt_code,
        "site": d.site.slug,
        "agency": d.agency.code,
        "service": d.service.code if d.service else None,
        "documents": d.documents,
        "name": d.name,
        "phone": d.phone,
        "email": d.email,
        "left_at": d.left_at,
        "received_at": d.received_at,
    }


@router.post("/dropoffs", response={201: DropOffOut, 400: ErrorOut, 404: ErrorOut})
def dropoff_create(request, payload: DropOffBody):
    """Record documents left for an agency at a point where the advisor works; the answer
    carries the receipt code. Bad input gets 400 naming the field."""
    site = staff_sites(request.user).filter(slug=payload.site).first()
    if site is None:
        raise ApiError(404, ["body", "site"], "Not found.")
    data = DropOffIn(
        site=site,
        agency_code=payload.agency,
        service_code=payload.service,
        documents=payload.documents,
        name=payload.name,
        phone=payload.phone,
        email=payload.email,
    )
    try:
        made = dropoff_record(data=data, advisor=profile_of(request.user))
    except DropOffError as exc:
        raise ApiError(exc.status, ["body", exc.field], exc.message) from None
    made = DocumentDropOff.objects.select_related("site", "agency", "service").get(pk=made.pk)
    return Status(201, _dropoff_out(made))


@router.get("/dropoffs", response=list[DropOffOut])
def dropoff_list(request):
    """Documents left for the official's agency where they serve, open ones first (each
    listing is recorded in the audit log: it shows names and contacts)."""
    found = dropoffs_for(scope_of(request.user))
    dropoff_access_record(actor=actor_of(request), action=AccessAction.LIST, dropoffs=found)
    return [_dropoff_out(d) for d in found]


@router.post("/dropoffs/{dropoff_id}/received", response={200: DropOffOut, 404: ErrorOut})
def dropoff_mark_received(request, dropoff_id: int):
    """Mark the documents received by the agency (again: no change); 404 for another
    agency's, the same as for none."""
    found = (
        DocumentDropOff.objects.select_related("site", "agency", "service")
        .filter(pk=dropoff_id, anonymised_at__isnull=True)
        .first()
    )
    if found is None or not can_receive_dropoff(request.user, found):
        raise ApiError(404, ["path", "dropoff_id"], "Not found.")
    return _dropoff_out(dropoff_receive(dropoff=found, official=profile_of(request.user)))
