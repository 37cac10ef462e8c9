"""The report page /monitoring/reports/ with its CSV and xlsx exports, and the live
overview of a point (thin views)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luukku.access import policy
from luukku.monitoring import charts, exports, selectors, space_selectors
from luukku.monitoring import live as live_selectors
from luukku.monitoring.services import local_today
from luukku.registry.models import Agency, Site, Size

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
            ("region", gettext_lazy("region")),
            ("network", gettext_lazy("whole network")),
        ],
        required=False,
    )
    by_service = forms.BooleanField(label=gettext_lazy("A row per service"), required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)
    format = forms.ChoiceField(
        choices=[("html", "html"), ("csv", "csv"), ("xlsx", "xlsx")], required=False
    )
    table = forms.ChoiceField(choices=[(key, key) for key in exports.TABLES], required=False)

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
        data["table"] = data.get("table") or "visits"
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
    if data.get("site"):
        site_ids = frozenset([data["site"].pk])
    elif policy.managed_site_ids(request.user) is None:
        site_ids = None  # the national administrator: every site, also ones added later
    else:
        site_ids = frozenset(sites.values_list("pk", flat=True))
    q = exports.ReportQuery(
        date_from=data["date_from"],
        date_to=data["date_to"],
        site_ids=site_ids,
        agency_id=data["agency"].pk if data.get("agency") else None,
        period=data["period"],
        level=data["level"],
        by_service=data["by_service"],
    )
    if data["format"] != "html":
        return exports.download(exports.build(data["table"], q), data["format"], q)
    rows = exports.report_rows(q)
    space = space_selectors.utilisation_report(
        date_from=q.date_from,
        date_to=q.date_to,
        site_ids=q.site_ids,
        period=q.period,
        level=q.level,
    )
    chains = selectors.chain_summary(date_from=q.date_from, date_to=q.date_to, site_ids=site_ids)
    feedback, comments = selectors.feedback_summary(
        date_from=q.date_from, date_to=q.date_to, site_ids=site_ids, agency_id=q.agency_id
    )
    query = request.GET.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    return render(
        request,
        "monitoring/reports.html",
        {
            "form": form,
            "data": data,
            "query": query.urlencode(),
            "period_caption": " – ".join(
                f"{d.day}.{d.month}.{d.year}" for d in (q.date_from, q.date_to)
            ),
            "live_sites": sites,
            "bus_sites": sites.filter(size=Size.XS),
            "tables": {
                "visits": exports.visits_table(rows, q.by_service),
                "utilisation": exports.utilisation_table(space),
                "cost": exports.cost(q),
                "chains": exports.chains_table(chains),
                "advice": exports.advice(q),
                "feedback": exports.feedback_table(feedback),
            },
            "charts": [
                c
                for c in (
                    charts.visits_chart(rows),
                    charts.service_level_chart(rows),
                )
                if c is not None
            ],
            "utilisation_chart": charts.utilisation_chart(space),
            "chains": chains,
            "comments": comments,
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
