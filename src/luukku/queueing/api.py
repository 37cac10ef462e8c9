"""HTTP API routes of the queueing capability."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["queueing"])
