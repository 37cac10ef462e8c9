"""The HTTP API (Django Ninja); each capability adds its router here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Luukku API",
    version="1",
    description="Shared booking, queueing and planning for joint public customer service points.",
    urls_namespace="api",
)
