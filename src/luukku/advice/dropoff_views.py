"""Pages of document drop-off: the advisor records documents left for an agency and
prints the receipt; the agency's officials see them in their list and mark them received.
Every page that shows a customer's name records the look in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luukku.access.policy import (
    can_receive_dropoff,
    can_view_dropoff,
    profile_of,
    scope_of,
)
from luukku.advice.dropoff import (
    DropOffError,
    DropOffIn,
    dropoff_receive,
    dropoff_record,
    dropoffs_for,
)
from luukku.advice.models import DocumentDropOff
from luukku.advice.selectors import home_site, staff_sites
from luukku.audit.models import AccessAction
from luukku.audit.services import actor_of, dropoff_access_record
from luukku.registry.models import Agency

_FIELDS = ("agency", "service", "documents", "name", "phone", "email")


def dropoff_new(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: record and show the receipt, or 400 naming the field."""
    sites = staff_sites(request.user)
    site = home_site(request.user, sites) or sites.first()
    data = request.POST if request.method == "POST" else {}
    error = None
    if request.method == "POST":
        chosen = data.get("site", "")
        site = sites.filter(pk=chosen).first() if chosen.isdigit() else site
        if site is None:
            raise Http404("site")
        entry = DropOffIn(
            site=site,
            agency_code=data.get("agency", ""),
            service_code=data.get("service", ""),
            documents=data.get("documents", ""),
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )
        try:
            made = dropoff_record(data=entry, advisor=profile_of(request.user))
        except DropOffError as exc:
            error = exc
        else:
            messages.success(request, _("Recorded. Give the customer the receipt."))
            return redirect("advice:dropoff_receipt", pk=made.pk)
    context = {
        "sites": sites,
        "site": site,
        "agencies": Agency.objects.order_by("code"),
        "values": {k: str(data.get(k, ""))[:300] for k in _FIELDS},
        "error": error,
    }
    return render(
        request, "advice/dropoff_new.html", context, status=error.status if error else 200
    )


def _dropoff(request, pk) -> DocumentDropOff:
    found = (
        DocumentDropOff.objects.select_related("site", "agency", "service", "received_by__user")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
    )
    if found is None or not can_view_dropoff(request.user, found):
        raise Http404("dropoff")
    return found


def dropoff_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's dated receipt, to print."""
    found = _dropoff(request, pk)
    dropoff_access_record(actor=actor_of(request), action=AccessAction.OPEN, dropoffs=[found])
    return render(request, "advice/dropoff_receipt.html", {"d": found})


def dropoff_list(request: HttpRequest) -> HttpResponse:
    """The official's list: documents left for their agency where they serve."""
    found = dropoffs_for(scope_of(request.user))
    dropoff_access_record(actor=actor_of(request), action=AccessAction.LIST, dropoffs=found)
    return render(request, "advice/dropoff_list.html", {"dropoffs": found})


@require_POST
def dropoff_received(request: HttpRequest, pk: int) -> HttpResponse:
    found = _dropoff(request, pk)
    if not can_receive_dropoff(request.user, found):
        raise Http404("dropoff")
    dropoff_receive(dropoff=found, official=profile_of(request.user))
    messages.success(request, _("%(code)s marked received.") % {"code": found.receipt_code})
    return redirect("advice:dropoff_list")
