"""The bus timetable page of a route (/monitoring/sites/<slug>/bus/) and its accept form.

Thin: parse the period or the accepted suggestion, call the selector or the service,
render. Who may look and who may accept is the policy's
(``can_view_bus_timetable``, ``can_change_bus_timetable``).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from luukku.access import policy
from luukku.core.monitoring.bus import KINDS
from luukku.monitoring.bus_selectors import (
    bus_review,
    default_period,
    next_monday,
    rule_figures,
)
from luukku.monitoring.bus_services import StopChange, bus_stop_change
from luukku.monitoring.services import local_today
from luukku.registry.models import Site, Weekday

#: The longest period the page reads.
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def clean(self):
        data = super().clean()
        first, last = default_period(self.today)
        data["date_to"] = data.get("date_to") or last
        data["date_from"] = data.get("date_from") or first
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end is before the start."))
        elif (data["date_to"] - data["date_from"]).days >= MAX_DAYS:
            self.add_error("date_from", _("A report covers at most three years."))
        return data


class AcceptForm(forms.Form):
    """One suggestion as the page showed it, and the day it takes effect."""

    stop = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS], widget=forms.HiddenInput)
    weekday = forms.TypedChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
    )
    arrives = forms.TimeField(required=False, widget=forms.HiddenInput)
    departs = forms.TimeField(required=False, widget=forms.HiddenInput)
    effective = forms.DateField(label=gettext_lazy("In the timetable from"))


def _site(request: HttpRequest, slug: str, action: str) -> Site:
    try:
        return policy.access_site(request.user, slug, action=action)
    except policy.AccessDenied:
        raise Http404("slug") from None


def _page(
    request: HttpRequest,
    site: Site,
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    failed: AcceptForm | None = None,
) -> HttpResponse:
    today = local_today(timezone.now())
    period = PeriodForm(request.GET, today=today)
    if not period.is_valid():
        return render(request, "monitoring/bus.html", {"site": site, "period": period}, status=400)
    data = period.cleaned_data
    failed_stop = failed.cleaned_data.get("stop") if failed is not None else None
    review = bus_review(site, date_from=data["date_from"], date_to=data["date_to"], today=today)
    context = {
        "site": site,
        "period": period,
        "review": review,
        "timetable": [row.stop for row in review.rows],
        "today": today,
        "effective_default": next_monday(today),
        "effective_min": today + timedelta(days=1),
        "rules": rule_figures(),
        "may_change": policy.can_change_bus_timetable(request.user, site),
        "errors": errors or {},
        "failed_stop": failed_stop,
        "failed_effective": failed.data.get("effective", "") if failed is not None else "",
        "changed": request.GET.get("changed", ""),
        "query": request.GET.urlencode(),
    }
    return render(request, "monitoring/bus.html", context, status=status)


@require_GET
def bus(request: HttpRequest, slug: str) -> HttpResponse:
    """A route's stops with their evidence over the period, and the suggestions."""
    return _page(request, _site(request, slug, "bus"))


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {"effective": list(error.messages)}


@require_POST
def bus_accept(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept one suggestion: the stop ends the day before, its successor starts that day."""
    site = _site(request, slug, "bus_change")
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _page(request, site, status=422, errors=form.errors, failed=form)
    data = form.cleaned_data
    stop = site.stops.filter(pk=data["stop"], weekday__isnull=False).first()
    if stop is None:
        errors = {"stop": [_("No such stop on this route.")]}
        return _page(request, site, status=422, errors=errors, failed=form)
    change = StopChange(
        kind=data["kind"],
        effective=data["effective"],
        weekday=data.get("weekday"),
        arrives=data.get("arrives"),
        departs=data.get("departs"),
    )
    try:
        new = bus_stop_change(
            stop=stop, change=change, today=local_today(timezone.now()), user=request.user
        )
    except ValidationError as error:
        return _page(request, site, status=422, errors=_messages(error), failed=form)
    url = reverse("monitoring:bus", kwargs={"slug": site.slug})
    query = request.GET.copy()
    query["changed"] = str(new.pk) if new is not None else "dropped"
    return HttpResponseRedirect(f"{url}?{query.urlencode()}#timetable", status=303)
