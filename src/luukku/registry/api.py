"""HTTP API routes of the registry capability."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["registry"])
