"""The planner page: a forecast (and the existing stock) in, a programme with charts out."""

from __future__ import annotations

from importlib import resources

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from luukku.core.planning.dimensioning import Scenario
from luukku.core.planning.inputs import (
    PlanningInputError,
    load_defaults,
    parse_forecast,
    parse_stock,
    stock_from_rows,
)
from luukku.monitoring.services import local_today
from luukku.registry.models import Site
from luukku.web.charts import column_chart, hbar_chart

from . import services
from .comparison import Comparison, compare
from .findings import comparison_messages, finding_message, hours_text, sizing_verdict, weekday_name
from .forms import PlanForm, space_labels
from .measured import measured_usage, site_stock, site_stock_rows


def _demo_text(name: str) -> str:
    return resources.files("luukku.core.planning").joinpath(f"data/{name}").read_text("utf-8")


def _demo_visits() -> dict[str, float]:
    return {r.agency: r.annual_visits for r in parse_forecast(_demo_text("demo-forecast-pori.csv"))}


def _demo_stock() -> dict[str, tuple[int, float]]:
    return {
        r.space_type: (r.count, r.area_m2) for r in parse_stock(_demo_text("demo-stock-pori.csv"))
    }


def planner(request):
    """GET with no query shows the demo forecast and stock; a submitted form is planned.

    ``export=xlsx`` (the form's second button) answers the same plan as the CLI's
    ``--xlsx`` workbook. Bad input gets the page with its errors and a 400.
    """
    submitted = "size" in request.GET
    # ?measured=<point>: start from that point's last year instead of the demo forecast.
    site = Site.objects.filter(slug=request.GET.get("measured", "")[:50]).first()
    measured = measured_usage(site, local_today(timezone.now()), load_defaults()) if site else None
    form = PlanForm(
        request.GET if submitted else None,
        initial_visits=measured.visits() if measured and measured.days else _demo_visits(),
        initial_stock=site_stock(site) if site else _demo_stock(),
        initial={"size": site.size} if site else None,
    )
    export = request.GET.get("export") == "xlsx"
    context = {
        "form": form,
        "measured": measured,
        "sites": Site.objects.order_by("name"),
        "target_wait_min": load_defaults().target_wait_min,
    }
    valid = submitted and form.is_valid()
    results = None
    if valid:
        d = form.cleaned_data
        scenario = None
        if d["forecast_change"] or d["remote_add"] or d["extra_hours"]:
            scenario = Scenario(
                _("Scenario"),
                forecast_factor=1 + d["forecast_change"] / 100,
                remote_share_add=d["remote_add"] / 100,
                extra_hours=d["extra_hours"],
            )
        try:
            results = services.plan_run(
                pairs=form.pairs(), size=d["size"], scenario=scenario, stock=form.stock_rows()
            )
        except PlanningInputError as exc:
            form.add_error(None, str(exc))
            valid = False
        else:
            if export:
                response = HttpResponse(services.plan_xlsx(results), services.XLSX_TYPE)
                name = services.xlsx_filename(results)
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            context.update(_result_context(results))
    if measured and measured.days and (valid or not submitted):
        context.update(_comparison_context(site, measured, form if valid else None, results))
    if measured:
        by_code = {x.code: x for x in getattr(context.get("comparison"), "agencies", ())}
        context["measured_rows"] = [
            (a, by_code.get(a.code)) for a in measured.agencies if a.visits_per_year
        ]
    status = 400 if submitted and not valid else 200
    return render(request, "planning/planner.html", context, status=status)


def _result_context(results) -> dict:
    base = results[0]
    labels = space_labels()
    hours = [f"{h}–{h + 1}" for h in base.hours]
    load = [sum(v[i] for v in base.arrivals.values()) for i in range(len(hours))]
    staff = [sum(v[i] for v in base.officials_peak_day().values()) for i in range(len(hours))]
    types = [str(labels.get(line.space_type, line.space_type)) for line in base.pooled.lines]
    return {
        "results": results,
        "base": base,
        "rows": [
            (labels.get(p.space_type, p.space_type), p, s)
            for p, s in zip(base.pooled.lines, base.separate.lines, strict=True)
        ],
        "development": [
            (labels.get(x.space_type, x.space_type), x) for x in base.development or ()
        ],
        "development_m2": sum(x.change_m2 for x in base.development or ()),
        **dict(
            zip(("undersized", "oversized"), sizing_verdict(base.development or ()), strict=True)
        ),
        "findings": [
            (_("Base") if i == 0 else r.scenario.name, [finding_message(f) for f in r.findings])
            for i, r in enumerate(results)
            if r.findings
        ],
        "load_chart": column_chart(
            "chart-load",
            _("Visits per hour on the peak day"),
            hours,
            [(_("visits"), load)],
            _("visits"),
        ),
        "staff_chart": column_chart(
            "chart-staff",
            _("Officials on site per hour on the peak day"),
            hours,
            [(_("officials"), staff)],
        ),
        "programme_chart": hbar_chart(
            "chart-programme",
            _("Space programme in m², pooled and separate"),
            types,
            [
                (_("pooled"), [x.m2 for x in base.pooled.lines]),
                (_("separate"), [x.m2 for x in base.separate.lines]),
            ],
            "m²",
        ),
        "space_types": types,
    }


def _comparison_context(site: Site, measured, form: PlanForm | None, results) -> dict:
    """Measured against planned: the form's plan (else the measured visits) and stock."""
    defaults = load_defaults()
    planned_visits, planned, size = None, None, site.size
    stock = site_stock_rows(site)
    if form is not None:
        d = form.cleaned_data
        size = d["size"]
        planned_visits = {code: visits for _field, code, visits in form.pairs()}
        known = form.known_stock_rows()
        stock = stock_from_rows(known) if known else stock
        if results is not None:
            planned = results[0]  # the same forecast and size (the need is the stock's own)
    try:
        c = compare(
            measured,
            defaults=defaults,
            size=size,
            stock=stock,
            planned_visits=planned_visits,
            planned=planned,
        )
    except PlanningInputError as exc:
        return {"comparison_error": str(exc)}
    return {
        "comparison": c,
        "comparison_messages": comparison_messages(c),
        "comparison_spaces": [
            (space_labels().get(x.space_type, x.space_type), x) for x in c.spaces
        ],
        "profile_rows": _profile_rows(c),
        **_profile_charts(c),
    }


def _profile_rows(c: Comparison) -> dict:
    measured, planned = dict(c.hourly_measured or ()), dict(c.hourly_planned)
    return {
        "hours": [(hours_text(h), measured.get(h), planned.get(h, 0.0)) for h in c.hours],
        "weekdays": [
            (weekday_name(i), c.weekday_measured[i] if c.weekday_measured else None, share)
            for i, share in enumerate(c.weekday_planned)
        ],
    }


def _profile_charts(c: Comparison) -> dict:
    """Hour-of-day and weekday shares in per cent, measured beside planned."""
    measured, planned = dict(c.hourly_measured or ()), dict(c.hourly_planned)
    hour_series = [(_("planned"), [100 * planned.get(h, 0.0) for h in c.hours])]
    day_series = [(_("planned"), [100 * x for x in c.weekday_planned])]
    if c.hourly_measured:
        hour_series.insert(0, (_("measured"), [100 * measured.get(h, 0.0) for h in c.hours]))
    if c.weekday_measured:
        day_series.insert(0, (_("measured"), [100 * x for x in c.weekday_measured]))
    return {
        "hour_profile_chart": column_chart(
            "chart-hour-profile",
            _("Share of the arrivals per hour, measured and planned"),
            [hours_text(h) for h in c.hours],
            hour_series,
            "%",
        ),
        "weekday_profile_chart": column_chart(
            "chart-weekday-profile",
            _("Share of the week's arrivals per weekday, measured and planned"),
            [weekday_name(i) for i in range(5)],
            day_series,
            "%",
        ),
    }
