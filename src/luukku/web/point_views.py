"""Public pages of the service points and the accessibility statement."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from luukku.registry.models import Site
from luukku.web import points


def site_list(request):
    return render(request, "web/site_list.html", {"rows": points.point_rows()})


def site_detail(request, slug: str):
    site = get_object_or_404(Site.objects.select_related("host_organisation"), slug=slug)
    page = points.point_page(site, get_language() or "fi")
    return render(request, "web/site_detail.html", {"page": page, "site": site})


def accessibility_statement(request):
    return render(
        request,
        "web/accessibility.html",
        {
            "feedback_email": settings.LUUKKU_ACCESSIBILITY_FEEDBACK_EMAIL,
            "statement_date": settings.LUUKKU_ACCESSIBILITY_STATEMENT_DATE,
        },
    )
