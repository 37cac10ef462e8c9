"""The audit log page: who saw or changed customers' personal data, in the reader's scope."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from luukku.access.policy import audit_scope
from luukku.audit.selectors import PAGE, audit_log


@require_GET
def log(request: HttpRequest) -> HttpResponse:
    before = None
    raw = request.GET.get("before", "")
    if raw:
        try:
            before = datetime.fromisoformat(raw)
        except ValueError:
            before = None
        if before is not None and timezone.is_naive(before):
            before = timezone.make_aware(before)
    rows = audit_log(request.user, before=before)
    if rows is None:
        rows = []
    scope = audit_scope(request.user) or {"sites": frozenset(), "agencies": frozenset()}
    return render(
        request,
        "audit/log.html",
        {
            "rows": rows,
            "everything": scope["sites"] is None,
            "older": rows[-1].at.isoformat() if len(rows) >= PAGE else "",
        },
    )
