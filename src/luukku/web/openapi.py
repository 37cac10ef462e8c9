"""The error answers every API operation can give, declared in the OpenAPI document.

An operation declares its own successes and the errors particular to it (a 409 with
the next free times, say). The answers that come from the layers in front of every
operation are declared here, in one place, so that the document tells the truth
about them: 400 from the request guard (control characters, an unreadable body),
413 for a body that is too large, 422 from input validation, 401/403 where an
operation needs a signed-in user or the access policy refuses (and a CSRF token is
needed with session auth), 404 where a
path names something, 409 where a queue operation meets a state that refuses it,
and 429 where a rate limit applies (web/middleware.py).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from luukku.web.middleware import LIMITED_VIEWS

#: Every error body: ``detail`` is a list of ``{"loc", "msg", "type"}`` (validation, the
#: guard, ApiError), or a sentence (Django Ninja's 401/403/404 and HttpError).
PROBLEM = {
    "title": "Problem",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
                {"type": "object"},
            ]
        }
    },
    "required": ["detail"],
}
REF = {"$ref": "#/components/schemas/Problem"}
REASONS = {
    400: "Bad request: control characters or an unreadable body",
    401: "Not signed in",
    403: "Not allowed, or the CSRF token is missing",
    404: "Not found",
    409: "The current state refuses the operation",
    413: "The request body is too large",
    422: "The input does not validate; detail names the field",
    429: "Too many requests from this client; see Retry-After",
}


def _limited_operation_ids() -> set[str]:
    return {name.split(":", 1)[1] for name in LIMITED_VIEWS if name.startswith("api:")}


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error answers to every operation that does not declare them."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    limited = _limited_operation_ids()
    for path, item in schema.get("paths", {}).items():
        for _method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # 401/403: signing in and the access policy may refuse any operation (the
            # roles decide who may call what, some in the operation itself).
            codes = {400, 401, 403, 413, 422}
            if "{" in path:
                codes.add(404)
            if "/queueing/" in path or "/staff/" in path:
                codes |= {404, 409}
            if any(operation.get("operationId", "").endswith(f"_{name}") for name in limited):
                codes.add(429)
            responses = operation["responses"]
            for code in sorted(codes):
                # Django Ninja keys an operation's own answers by int: "422" beside 422
                # would be a duplicated key in the JSON, which Swagger UI refuses to
                # read. An answer the operation declares itself may also come from the
                # layers in front of it, so its body may be either.
                own = responses.get(code, responses.get(str(code)))
                if own is not None:
                    body = own.setdefault("content", {}).setdefault("application/json", {})
                    mine = body.get("schema")
                    if mine is None:
                        body["schema"] = REF
                    elif mine != REF and REF not in mine.get("anyOf", []):
                        body["schema"] = {"anyOf": [mine, REF]}
                    continue
                responses[str(code)] = {
                    "description": REASONS[code],
                    "content": {"application/json": {"schema": REF}},
                }
                if code == 429:
                    responses[str(code)]["headers"] = {
                        "Retry-After": {
                            "description": "Seconds until the client may ask again",
                            "schema": {"type": "integer"},
                        }
                    }
    return schema


class LuukkuAPI(NinjaAPI):
    """Django Ninja's API whose OpenAPI document declares the shared error answers."""

    def get_openapi_schema(self, *args, **kwargs):
        return declare_errors(super().get_openapi_schema(*args, **kwargs))
