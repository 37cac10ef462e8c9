"""Pages of "I need help": the kiosk's button, and the staff's live list of requests."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luukku.access.policy import profile_of, start_url
from luukku.advice.help import HelpTaken, help_ask, help_take, help_visible
from luukku.queueing.kiosk_i18n import kiosk_language
from luukku.registry.models import Site


@require_POST
@kiosk_language
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    """The customer pressed "I need help": tell them someone is coming."""
    site = get_object_or_404(Site, slug=slug)
    help_ask(site=site, place=request.POST.get("place", "") or _("kiosk"))
    return render(request, "advice/help_asked.html", {"site": site})


def help_list(request: HttpRequest) -> HttpResponse:
    """The open requests this user answers (the list refreshes itself every few seconds)."""
    # Polled by htmx from the page: after "I'll go" the browser returns to that page.
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    context = {
        "help_requests": help_visible(request.user),
        "next_url": (current.path + (f"?{current.query}" if current.query else ""))
        if current.path
        else "",
    }
    return render(request, "advice/_help_list.html", context)


@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        taken = help_take(user=request.user, request_id=pk, staff=profile_of(request.user))
    except HelpTaken:
        messages.info(request, _("Someone else has already taken this request."))
    else:
        messages.success(
            request,
            _("You took the request at %(site)s, %(place)s.")
            % {"site": taken.site.name, "place": taken.place},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = start_url(request.user)
    return redirect(target)
