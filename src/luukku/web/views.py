"""Public pages that belong to no single capability: the landing page."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

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
            ("advice", _url("queueing:advice")),
            ("planning", _url("planning:planner")),
            ("admin", _url("admin:index")),
            ("api", _url("api:openapi-view")),
        )
        if url
    ]
    return render(request, "web/landing.html", {"site_rows": site_rows, "role_links": role_links})
