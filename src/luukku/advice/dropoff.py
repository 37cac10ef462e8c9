"""Documents left at the info desk for an agency: recorded with a receipt, received by
the agency's officials (pages and API alike call these)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.access.policy import StaffScope, dropoffs_received_q
from luukku.advice.models import DocumentDropOff
from luukku.booking.customers import BookingError, Customer, customer_validate
from luukku.core.advice.receipt import ALPHABET, BODY, receipt_code
from luukku.core.contact import has_control_chars
from luukku.registry.models import Agency, Service, Site, StaffProfile

DOCUMENTS_MAX = 300


class DropOffError(Exception):
    """Bad drop-off input; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str, status: int = 400):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


@dataclass(frozen=True)
class DropOffIn:
    site: Site
    agency_code: str
    documents: str
    name: str
    phone: str = ""
    email: str = ""
    service_code: str = ""


def _agency_and_service(data: DropOffIn) -> tuple[Agency, Service | None]:
    agency = Agency.objects.filter(code=(data.agency_code or "").strip()[:20]).first()
    if agency is None:
        raise DropOffError("agency", _("Choose the agency the documents are for."))
    if not data.service_code:
        return agency, None
    service = Service.objects.filter(code=data.service_code[:60], agency=agency).first()
    if service is None:
        raise DropOffError("service", _("Choose a service of that agency, or none."))
    return agency, service


def dropoff_record(
    *, data: DropOffIn, advisor: StaffProfile | None, now: datetime | None = None
) -> DocumentDropOff:
    """Record documents left for an agency and give them a receipt code."""
    now = now or timezone.now()
    agency, service = _agency_and_service(data)
    documents = " ".join(data.documents.split())
    if not documents:
        raise DropOffError("documents", _("Say what documents were left."))
    if len(documents) > DOCUMENTS_MAX or has_control_chars(documents):
        raise DropOffError(
            "documents",
            _("Describe the documents in at most %(n)d characters.") % {"n": DOCUMENTS_MAX},
        )
    try:
        contact = customer_validate(Customer(name=data.name, phone=data.phone, email=data.email))
    except BookingError as exc:
        raise DropOffError(exc.field, exc.message) from None
    for _attempt in range(5):  # 29⁴ codes per agency: a clash is rare, a retry cheap
        body = "".join(secrets.choice(ALPHABET) for _i in range(BODY))
        try:
            with transaction.atomic():
                return DocumentDropOff.objects.create(
                    site=data.site,
                    agency=agency,
                    service=service,
                    documents=documents,
                    name=contact.name,
                    phone=contact.phone,
                    email=contact.email,
                    receipt_code=receipt_code(agency.code, body),
                    left_at=now,
                    recorded_by=advisor,
                )
        except IntegrityError:
            continue
    raise DropOffError("documents", _("Could not make a receipt code: try again."), 503)


def dropoff_receive(
    *, dropoff: DocumentDropOff, official: StaffProfile, now: datetime | None = None
) -> DocumentDropOff:
    """Mark the documents received by the agency; a second press changes nothing."""
    now = now or timezone.now()
    DocumentDropOff.objects.filter(pk=dropoff.pk, received_at__isnull=True).update(
        received_at=now, received_by=official
    )
    dropoff.refresh_from_db()
    return dropoff


# -- reads -------------------------------------------------------------------------------


def dropoffs_for(scope: StaffScope | None, *, limit: int = 200) -> list[DocumentDropOff]:
    """The official's drop-offs: open ones first (oldest first), then the received."""
    qs = DocumentDropOff.objects.filter(dropoffs_received_q(scope), anonymised_at__isnull=True)
    qs = qs.select_related("site", "agency", "service", "received_by__user")
    return list(qs.order_by("received_at", "left_at")[:limit])


def dropoffs_open_count(scope: StaffScope | None) -> int:
    return DocumentDropOff.objects.filter(
        dropoffs_received_q(scope), received_at__isnull=True, anonymised_at__isnull=True
    ).count()


__all__ = [
    "DropOffError",
    "DropOffIn",
    "dropoff_receive",
    "dropoff_record",
    "dropoffs_for",
    "dropoffs_open_count",
]
