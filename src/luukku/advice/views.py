"""The info desk's triage page: search by what the customer says, or by life event."""

from __future__ import annotations

from django.shortcuts import render

from luukku.advice import selectors


def triage(request):
    """GET ``?q=`` lists the matching services beside their knowledge bank; bad input → 400."""
    query = request.GET.get("q", "")
    error, results = None, []
    try:
        results = selectors.triage_search(query)
    except selectors.QueryError as exc:
        error = str(exc)
    context = {
        "query": query[: selectors.QUERY_MAX],
        "results": results,
        "error": error,
        "searched": bool(query.strip()) and error is None,
        "life_events": selectors.life_event_list(),
    }
    return render(request, "advice/triage.html", context, status=400 if error else 200)
