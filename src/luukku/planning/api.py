"""HTTP API routes of the planning capability."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["planning"])
