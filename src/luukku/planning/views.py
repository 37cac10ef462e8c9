"""The planner page: a forecast in, a programme with charts out."""

from __future__ import annotations

from importlib import resources

from django.shortcuts import render
from django.utils.translation import gettext as _

from luukku.core.planning.dimensioning import Scenario
from luukku.core.planning.inputs import PlanningInputError, parse_forecast

from . import services
from .charts import bar_chart
from .forms import PlanForm


def _demo_visits() -> dict[str, float]:
    text = (
        resources.files("luukku.core.planning")
        .joinpath("data/demo-forecast-pori.csv")
        .read_text("utf-8")
    )
    return {r.agency: r.annual_visits for r in parse_forecast(text)}


def planner(request):
    """GET with no query shows the demo forecast; a submitted form is planned."""
    submitted = "size" in request.GET
    form = PlanForm(request.GET if submitted else None, initial_visits=_demo_visits())
    context = {"form": form}
    if submitted and form.is_valid():
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
            results = services.plan_run(pairs=form.pairs(), size=d["size"], scenario=scenario)
        except PlanningInputError as exc:
            form.add_error(None, str(exc))
        else:
            context.update(_result_context(results))
    return render(request, "planning/planner.html", context)


def _space_labels() -> dict[str, str]:
    """Planning's space-type codes in the reader's language."""
    return {
        "booth": _("screened service booth"),
        "service_room": _("service room"),
        "remote_room": _("remote-service room"),
        "safe_room": _("safe room"),
        "meeting_room": _("meeting room (up to 6)"),
        "terminal": _("self-service terminal"),
        "advice_point": _("advice point"),
        "waiting_seat": _("waiting seats"),
        "workstation": _("back-office workstation"),
    }


def _result_context(results) -> dict:
    base = results[0]
    labels = _space_labels()
    hours = [f"{h}" for h in base.hours]
    load = [sum(v[i] for v in base.arrivals.values()) for i in range(len(hours))]
    staff = [sum(v[i] for v in base.officials_peak_day().values()) for i in range(len(hours))]
    types = [labels.get(line.space_type, line.space_type) for line in base.pooled.lines]
    return {
        "results": results,
        "base": base,
        "rows": [
            (labels.get(p.space_type, p.space_type), p, s)
            for p, s in zip(base.pooled.lines, base.separate.lines, strict=True)
        ],
        "load_chart": bar_chart(
            _("Visits per hour on the peak day"), hours, [(_("visits"), load)], _("visits")
        ),
        "staff_chart": bar_chart(
            _("Officials on site per hour on the peak day"), hours, [(_("officials"), staff)]
        ),
        "programme_chart": bar_chart(
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
