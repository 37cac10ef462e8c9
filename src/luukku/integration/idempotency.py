"""Idempotency keys: a client that retries after a lost answer gets the same result.

A ticket or booking request may carry a key (the API's ``Idempotency-Key`` header,
the kiosk and booking pages' hidden ``idempotency_key`` field). :func:`claim` runs
inside the transaction that makes the ticket or visit: it inserts the key's digest
first, so a second request with the same key waits on the unique index until the
first commits and then finds what it made (or, if the first rolled back, makes it
itself). Only digests are stored: of the key (which can re-derive a visit's manage
link, :func:`derived_token`) and of the request, so that the same key with a
different request is refused instead of answered with someone else's result.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from luukku.integration.models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
#: Printable, no spaces, long enough to be unguessable (a UUID is 36 characters).
KEY_RE = re.compile(r"^[\x21-\x7e]{16,128}$")


class IdempotencyError(ValueError):
    """A malformed key, or a key reused for a different request."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def new_key() -> str:
    """A key for a form: one per rendered form, so that its resubmission is a retry."""
    return secrets.token_urlsafe(18)


def valid(key: str) -> bool:
    return bool(KEY_RE.match(key))


def _digest(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


def fingerprint(*parts) -> str:
    """A digest of what was asked, in a stable text form."""
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def derived_token(scope: str, key: str) -> str:
    """The manage-link token of a visit made with this key: found again on a retry.

    A keyed HMAC (the installation's SECRET_KEY) of the raw key, which is stored
    nowhere: the database alone yields neither the key nor the token.
    """
    mac = salted_hmac("luukku.idempotency.token", f"{scope}\0{key}", algorithm="sha256")
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode()


def _found(row: IdempotencyKey, print_: str, attr: str):
    if row.fingerprint != print_:
        raise IdempotencyError("This Idempotency-Key was used for a different request.")
    return getattr(row, attr)


def claim(scope: str, key: str, print_: str, attr: str):
    """Inside the caller's transaction: what the key made before, or a new claim.

    Returns ``(existing, None)`` on a retry, ``(None, row)`` for a new request; the
    caller sets ``row.<attr>`` to what it made and saves the row in the same
    transaction. ``attr`` is ``"visit"`` or ``"ticket"``.
    """
    digest = _digest(scope, key)
    try:
        # Insert first: a new key (the usual case) costs no look-up, and a concurrent
        # request with the same key waits here until the first one commits.
        with transaction.atomic():
            row = IdempotencyKey.objects.create(digest=digest, scope=scope, fingerprint=print_)
    except IntegrityError:
        row = IdempotencyKey.objects.select_related(attr).get(digest=digest)
        return _found(row, print_, attr), None
    return None, row
