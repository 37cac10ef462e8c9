"""The report page /monitoring/reports/ with its CSV and xlsx exports, and the live
overview of a point (thin views)."""

from __future__ import annotations

import csv
from datetime import timedelta
from io import BytesIO

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luukku.access import policy
from luukku.monitoring import live as live_selectors
from luukku.monitoring import selectors
from luukku.monitoring.services import local_today
from luukku.registry.models import Agency, Site

#: The longest period one report covers.
MAX_DAYS = 3 * 366


class ReportForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        required=False,
        label=gettext_lazy("Service point"),
        empty_label=gettext_lazy("All my points"),
        to_field_name="slug",
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Agency"),
        empty_label=gettext_lazy("All agencies"),
        to_field_name="code",
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            ("day", gettext_lazy("day")),
            ("week", gettext_lazy("week")),
            ("month", gettext_lazy("month")),
        ],
        required=False,
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        choices=[
            ("site", gettext_lazy("service point")),
            ("municipality", gettext_lazy("municipality")),
            ("network", gettext_lazy("whole network")),
        ],
        required=False,
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)
    format = forms.ChoiceField(
        choices=[("html", "html"), ("csv", "csv"), ("xlsx", "xlsx")], required=False
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def clean(self):
        data = super().clean()
        yesterday = local_today(timezone.now()) - timedelta(days=1)
        data["date_to"] = data.get("date_to") or yesterday
        data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(days=29)
        data["period"] = data.get("period") or "month"
        data["level"] = data.get("level") or "site"
        data["format"] = data.get("format") or "html"
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end is before the start."))
        elif (data["date_to"] - data["date_from"]).days >= MAX_DAYS:
            self.add_error("date_from", _("A report covers at most three years."))
        return data


def _sites(user):
    ids = policy.managed_site_ids(user)
    qs = Site.objects.order_by("name")
    return qs if ids is None else qs.filter(pk__in=ids)


def reports(request: HttpRequest) -> HttpResponse:
    """Figures per period, place, agency and channel from the daily aggregates."""
    sites = _sites(request.user)
    form = ReportForm(request.GET, sites=sites)
    if not form.is_valid():
        return render(request, "monitoring/reports.html", {"form": form}, status=400)
    data = form.cleaned_data
    site_ids = (
        frozenset([data["site"].pk])
        if data.get("site")
        else frozenset(sites.values_list("pk", flat=True))
    )
    if policy.managed_site_ids(request.user) is None and not data.get("site"):
        site_ids = None  # the national administrator: every site, also ones added later
    rows = selectors.report(
        date_from=data["date_from"],
        date_to=data["date_to"],
        site_ids=site_ids,
        agency_id=data["agency"].pk if data.get("agency") else None,
        period=data["period"],
        level=data["level"],
    )
    header, cells = selectors.columns(), selectors.table(rows)
    name = f"luukku-report-{data['date_from']}-{data['date_to']}"
    if data["format"] == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")  # so that spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(cells)
        return response
    if data["format"] == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Report"))
        sheet.append(header)
        for row in cells:
            sheet.append(row)
        out = BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    feedback, comments = selectors.feedback_summary(
        date_from=data["date_from"],
        date_to=data["date_to"],
        site_ids=site_ids,
        agency_id=data["agency"].pk if data.get("agency") else None,
    )
    return render(
        request,
        "monitoring/reports.html",
        {
            "form": form,
            "data": data,
            "header": header,
            "cells": cells,
            "query": query.urlencode(),
            "national": policy.managed_site_ids(request.user) is None,
            "live_sites": sites,
            "feedback": feedback,
            "chains": selectors.chain_summary(
                date_from=data["date_from"], date_to=data["date_to"], site_ids=site_ids
            ),
            "comments": comments,
            "advice": selectors.advice_summary(
                date_from=data["date_from"],
                date_to=data["date_to"],
                site_ids=site_ids,
                agency_id=data["agency"].pk if data.get("agency") else None,
            ),
        },
    )


def live(request: HttpRequest, slug: str) -> HttpResponse:
    """A point now: queues, desks, spaces, bookings of the hour (``?part=1``: the body)."""
    try:
        site = policy.access_site(request.user, slug, action="live")
    except policy.AccessDenied:
        raise Http404("site") from None
    context = {
        "site": site,
        "overview": live_selectors.site_overview(site, timezone.now()),
        "part_url": reverse("monitoring:live", kwargs={"slug": site.slug}) + "?part=1",
        "events_url": reverse("queueing:display_events", kwargs={"slug": site.slug}),
    }
    if request.GET.get("part") == "1":
        return render(request, "monitoring/_live.html", context)
    return render(request, "monitoring/live.html", context)
