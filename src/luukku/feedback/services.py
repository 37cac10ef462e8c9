"""Writing feedback: one row, anonymous (see ``models``)."""

from __future__ import annotations

from luukku.feedback.models import COMMENT_MAX, Feedback
from luukku.queueing.models import Ticket
from luukku.registry.models import Site


def agency_of_ticket(site: Site, token: str):
    """The agency a ticket at ``site`` was for (None for the info desk or no such ticket).

    The ticket only says which agency the feedback is about; it is not stored with it.
    """
    if not token:
        return None
    ticket = (
        Ticket.objects.filter(site=site, token=token[:20]).select_related("service__agency").first()
    )
    return ticket.service.agency if ticket and ticket.service_id else None


def feedback_give(
    *, site: Site, score: int, comment: str, source: str, language: str, ticket_token: str = ""
) -> Feedback:
    return Feedback.objects.create(
        site=site,
        agency=agency_of_ticket(site, ticket_token),
        score=score,
        comment=comment.strip()[:COMMENT_MAX],
        source=source,
        language=language[:8],
    )
