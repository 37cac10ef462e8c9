"""Which models' changes django-auditlog records, and how their personal fields are masked.

A change record keeps *that* a personal field changed, never its value: the mask
replaces the whole value (auditlog's default mask keeps half of it, which for a
name or a phone number is still personal data). Secrets (the manage-link digest)
are not recorded at all.

Tickets are not registered: their only personal field is the optional phone number
the customer types at the kiosk for an SMS, which the desk clears when service ends;
recording every call, recall and finish would add a read and a write to the busiest
path in the product for no personal data. The two writes of a ticket's personal or
sensitive fields (the SMS number, the safe-room flag) call :func:`change_record`.
"""

from __future__ import annotations

from auditlog.registry import auditlog

#: What a masked value reads as in a change record.
MASK = "[masked]"

#: Personal fields per model: masked in change records, cleared by retention.
PERSONAL_FIELDS = {
    "booking.Visit": ("name", "phone", "email"),
    "booking.Booking": ("cancel_reason",),
}


def mask(value: str) -> str:
    """Hide the whole value (``AUDITLOG_MASK_CALLABLE``)."""
    return MASK


def register_personal_data_models() -> None:
    """Register the personal-data models with auditlog (from ``AppConfig.ready``)."""
    from luukku.booking.models import Booking, Visit

    if auditlog.contains(Visit):
        return
    auditlog.register(
        Visit,
        exclude_fields=["token_hash", "created_at"],
        mask_fields=list(PERSONAL_FIELDS["booking.Visit"]),
        mask_callable="luukku.audit.changes.mask",
    )
    auditlog.register(
        Booking,
        exclude_fields=["created_at", "updated_at", "video_url"],
        mask_fields=list(PERSONAL_FIELDS["booking.Booking"]),
        mask_callable="luukku.audit.changes.mask",
    )


def change_record(instance, fields) -> None:
    """Record a change of personal fields of a model auditlog does not watch (values masked).

    Written with the change, in its transaction; who and from where come from
    auditlog's middleware, as for the registered models.
    """
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={field: [MASK, MASK] for field in fields},
    )
