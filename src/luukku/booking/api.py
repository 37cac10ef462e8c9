"""HTTP API routes of the booking capability."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["booking"])
