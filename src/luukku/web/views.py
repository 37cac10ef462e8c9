"""Public pages that belong to no single capability: the landing page, health probes."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from luukku.registry.selectors import site_list


def _url(name: str, **kwargs) -> str | None:
    """The address of a page if that page exists yet (capabilities add pages over time)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def landing(request):
    sites = site_list()
    site_rows = [
        {
            "site": site,
            "links": [
                (label, url)
                for label, url in (
                    ("kiosk", _url("queueing:kiosk", slug=site.slug)),
                    ("display", _url("queueing:display", slug=site.slug)),
                    (
                        "book",
                        _url("booking:search") and f"{_url('booking:search')}?site={site.slug}",
                    ),
                )
                if url
            ],
        }
        for site in sites
    ]
    role_links = [
        (key, url)
        for key, url in (
            ("book", _url("booking:search")),
            ("desk", _url("queueing:desk")),
            ("advice", _url("advice:triage")),
            ("planning", _url("planning:planner")),
            ("admin", _url("admin:index")),
            ("api", _url("api:openapi-view")),
        )
        if url
    ]
    return render(request, "web/landing.html", {"site_rows": site_rows, "role_links": role_links})


@never_cache
async def healthz(request):
    """The process is up and answering (touches neither database nor thread pool)."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready for traffic: the database answers and every migration is applied; else 503."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"database": "unreachable"}, status=503)
    if pending:
        return JsonResponse({"database": "ok", "migrations_pending": len(pending)}, status=503)
    return JsonResponse({"database": "ok", "migrations_pending": 0})
