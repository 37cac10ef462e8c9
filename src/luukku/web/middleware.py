"""Request guards in front of every page and API operation.

``InputGuardMiddleware`` refuses, with 400 naming the field, what no view should see:
control characters (PostgreSQL refuses NUL in text; SQLite would store it) anywhere
in the path, the query, a form, a JSON body or a cookie, and bodies that cannot be
parsed (multipart without a boundary, too many fields, too large). One place, so that
no view or API operation can forget it.

``RateLimitMiddleware`` answers 429 with ``Retry-After`` when one client asks too often
for a limited operation (search, booking, kiosk ticket, sign-in), pages and API alike.
The counts live in Django's cache (the database cache in settings), so a limit holds
across server processes. Which URL belongs to which limit is the table below; the
rates are ``settings.LUUKKU_RATE_LIMITS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from luukku.core.contact import has_control_chars

API_PREFIX = "/api/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _error(request: HttpRequest, status: int, loc: list[str], msg: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body = {"detail": [{"loc": loc, "msg": msg, "type": "value_error"}]}
        return JsonResponse(body, status=status)
    return render(
        request, "web/bad_request.html", {"field": ".".join(loc[1:]), "msg": msg}, status=status
    )


def _json_strings(value, loc: list[str]) -> Iterator[tuple[list[str], str]]:
    """Every string in a JSON document (keys too), with where it is."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield loc + [str(key)], str(key)
            yield from _json_strings(item, loc + [str(key)])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, loc + [str(i)])


def _first_bad(request: HttpRequest) -> list[str] | None:
    """Where the first control character is, or None."""
    if has_control_chars(request.path):
        return ["path"]
    for name, value in request.COOKIES.items():
        if has_control_chars(name) or has_control_chars(value):
            return ["cookie", name]
    for name, values in request.GET.lists():
        if has_control_chars(name) or any(has_control_chars(v) for v in values):
            return ["query", name]
    if request.method not in BODY_METHODS:
        return None
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, values in request.POST.lists():
            if has_control_chars(name) or any(has_control_chars(v) for v in values):
                return ["body", name]
        for name in request.FILES:
            if has_control_chars(name):
                return ["body", name]
    elif request.content_type == "application/json" and request.body:
        try:
            document = json.loads(request.body)
        except ValueError:  # malformed JSON is the parser's to refuse, naming the body
            return None
        for loc, text in _json_strings(document, ["body"]):
            if has_control_chars(text):
                return loc
    return None


class InputGuardMiddleware:
    """Refuse control characters and unparsable bodies with 400 before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            loc = _first_bad(request)
        except MultiPartParserError:
            return _error(
                request,
                400,
                ["body"],
                _("The form data is malformed (multipart without a boundary)."),
            )
        except RequestDataTooBig:
            return _error(request, 413, ["body"], _("The request is too large."))
        except (SuspiciousOperation, UnicodeDecodeError):
            return _error(request, 400, ["body"], _("The form data cannot be read."))
        if loc is not None:
            return _error(
                request,
                400,
                loc,
                _("Control characters are not allowed here (%(where)s).")
                % {"where": ".".join(loc)},
            )
        return self.get_response(request)


#: (URL name, the methods that count) → limit group. URL names as in the urlconfs:
#: ``namespace:name``; Django Ninja names each API path after its first operation.
LIMITED_VIEWS: dict[str, tuple[frozenset[str], str]] = {
    "booking:search": (frozenset({"GET"}), "search"),
    "api:services_search": (frozenset({"GET"}), "search"),
    "api:availability_get": (frozenset({"GET"}), "search"),
    "api:chain_availability_get": (frozenset({"GET"}), "search"),
    "booking:confirm": (frozenset({"POST"}), "booking"),
    "api:booking_create": (frozenset({"POST"}), "booking"),
    "queueing:take": (frozenset({"POST"}), "ticket"),
    "api:create_ticket": (frozenset({"POST"}), "ticket"),
    # Checking in by booking code would otherwise let a script try codes.
    "queueing:check_in": (frozenset({"POST"}), "ticket"),
    "api:check_in": (frozenset({"POST"}), "ticket"),
    "login": (frozenset({"POST"}), "sign-in"),
}


def client_key(group: str, request: HttpRequest) -> str:
    """Who counts as one client: the address the request came from."""
    return request.META.get(getattr(settings, "LUUKKU_CLIENT_IP_HEADER", "REMOTE_ADDR"), "")


class RateLimitMiddleware:
    """429 with Retry-After when a client exceeds the rate of a limited operation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        entry = LIMITED_VIEWS.get(match.view_name) if match else None
        if entry is None or request.method not in entry[0]:
            return None
        group = entry[1]
        rate = settings.LUUKKU_RATE_LIMITS.get(group)
        if not rate:
            return None
        usage = get_usage(
            request, group=group, key=client_key, rate=rate, method=list(entry[0]), increment=True
        )
        if usage is None or not usage["should_limit"]:
            return None
        retry_after = max(int(usage["time_left"]), 1)
        msg = _("Too many requests. Try again in %(n)s seconds.") % {"n": retry_after}
        if request.path.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse(
                {"detail": [{"loc": ["client"], "msg": msg, "type": "rate_limited"}]}, status=429
            )
        else:
            response = render(request, "web/too_many.html", {"msg": msg}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
