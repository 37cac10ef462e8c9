"""The info desk's triage page: search by what the customer says, or by life event;
then record the contact in one click (statistics, no personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luukku.access.policy import profile_of
from luukku.advice import selectors
from luukku.advice.forms import ContactForm, started_from, started_token
from luukku.advice.help import help_visible
from luukku.advice.selectors import home_site, staff_sites
from luukku.advice.services import ContactIn, advice_contact_record


def triage_page(
    request, form: ContactForm | None = None, status: int = 200, extra: dict | None = None
):
    query = request.GET.get("q", "")
    error, results = None, []
    try:
        results = selectors.triage_search(query)
    except selectors.QueryError as exc:
        error = str(exc)
    # The contact's duration counts from the first search for this customer: the token
    # is carried from search to search and renewed once the contact is recorded.
    started = request.GET.get("started", "")
    if started_from(started) is None:
        started = started_token()
    sites = staff_sites(request.user)
    home = home_site(request.user, sites)
    if form is None:
        initial = {"started": started, "site": home.pk if home else None}
        form = ContactForm(initial=initial, sites=sites)
    context = {
        "query": query[: selectors.QUERY_MAX],
        "results": results,
        "error": error,
        "searched": bool(query.strip()) and error is None,
        "life_events": selectors.life_event_list(),
        "started": started,
        "form": form,
        "live_site": home,
        "help_requests": help_visible(request.user),
        **(extra or {}),
    }
    return render(request, "advice/triage.html", context, status=400 if error else status)


def triage(request):
    """GET ``?q=`` lists the matching services beside their knowledge bank; bad input → 400."""
    return triage_page(request)


@require_POST
def record(request):
    """One press of an outcome button records the contact; the page is then fresh."""
    form = ContactForm(request.POST, sites=staff_sites(request.user))
    if not form.is_valid():
        return triage_page(request, form, status=400)
    cd = form.cleaned_data
    contact = ContactIn(
        site=cd["site"],
        outcome=cd["outcome"],
        channel=cd["channel"],
        language=cd["language"],
        started_at=cd["started"],
        service=cd["service"],
        life_event=cd["life_event"],
        persona=cd["persona"],
    )
    advice_contact_record(contact=contact, advisor=profile_of(request.user))
    messages.success(request, _("Contact recorded. Next customer."))
    return redirect("advice:triage")
