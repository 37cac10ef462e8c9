"""The HTTP API (Django Ninja); each capability adds its router here."""

from __future__ import annotations

from luukku.advice.api import router as advice_router
from luukku.booking.api import ApiError, error_response
from luukku.booking.api import router as booking_router
from luukku.booking.staff_api import router as staff_router
from luukku.core.scheduling import SchedulingError
from luukku.planning.api import router as planning_router
from luukku.queueing.api import router as queueing_router
from luukku.queueing.desk_api import router as desk_router
from luukku.registry.api import router as registry_router
from luukku.web.openapi import LuukkuAPI

# LuukkuAPI: the document also declares the error answers every operation can give.
api = LuukkuAPI(
    title="Luukku API",
    version="1",
    description="Shared booking, queueing and planning for joint public customer service points.",
    urls_namespace="api",
)
api.add_router("/registry", registry_router)
api.add_router("/booking", booking_router)
api.add_router("/staff", staff_router)
api.add_router("/queueing", queueing_router)
api.add_router("/queueing/desk", desk_router)
api.add_router("/planning", planning_router)
api.add_router("/advice", advice_router)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(api, request, exc)


@api.exception_handler(SchedulingError)
def _scheduling_error(request, exc: SchedulingError):
    return error_response(api, request, ApiError(422, ["query", exc.field], str(exc)))
