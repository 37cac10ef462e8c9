"""HTTP API of the info desk: the triage search (for the desk now; the kiosk and the
booking page may call it later)."""

from __future__ import annotations

from ninja import Router, Schema

from luukku.advice import selectors
from luukku.booking.api import ApiError

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
