"""The planner's form: size, visits per agency, the existing space stock, one scenario."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luukku.core.planning.inputs import AGENCIES, SPACE_TYPES

SIZE_CHOICES = [
    ("L", _("L — large")),
    ("M", _("M — medium")),
    ("S", _("S — small remote point")),
    ("XS", _("XS — service bus")),
]
SCENARIO_FIELDS = ("size", "forecast_change", "remote_add", "extra_hours")


def space_labels() -> dict[str, str]:
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


def field_name(code: str) -> str:
    return "visits_" + code.replace("/", "_").lower()


def stock_names(space_type: str) -> tuple[str, str]:
    return f"existing_{space_type}_count", f"existing_{space_type}_m2"


class PlanForm(forms.Form):
    size = forms.ChoiceField(label=_("Site size"), choices=SIZE_CHOICES, initial="L")
    forecast_change = forms.FloatField(
        label=_("Scenario: forecast change (%)"), initial=0, min_value=-100, max_value=500
    )
    remote_add = forms.FloatField(
        label=_("Scenario: remote share change (percentage points)"),
        initial=0,
        min_value=-100,
        max_value=100,
    )
    extra_hours = forms.IntegerField(
        label=_("Scenario: extra opening hours"), initial=0, min_value=0, max_value=6
    )

    def __init__(
        self,
        *args,
        initial_visits: dict[str, float] | None = None,
        initial_stock: dict[str, tuple[int, float]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for code in AGENCIES:
            self.fields[field_name(code)] = forms.FloatField(
                label=_("%(agency)s visits per year") % {"agency": code},
                min_value=0,
                max_value=100_000_000,
                required=True,
                initial=(initial_visits or {}).get(code, 0),
            )
        labels = space_labels()
        for t in SPACE_TYPES:
            count, m2 = stock_names(t)
            have = (initial_stock or {}).get(t)
            self.fields[count] = forms.IntegerField(
                label=_("Existing %(space)s: count") % {"space": labels[t]},
                min_value=0,
                max_value=1_000_000,
                required=False,
                initial=have[0] if have else None,
            )
            self.fields[m2] = forms.FloatField(
                label=_("Existing %(space)s: m²") % {"space": labels[t]},
                min_value=0,
                max_value=10_000_000,
                required=False,
                initial=have[1] if have else None,
            )

    def scenario_fields(self):
        return [self[name] for name in SCENARIO_FIELDS]

    def visit_fields(self):
        return [self[field_name(code)] for code in AGENCIES]

    def stock_fields(self):
        """(space label, count field, m² field) per space type, for a table."""
        labels = space_labels()
        return [(labels[t], *(self[n] for n in stock_names(t))) for t in SPACE_TYPES]

    def pairs(self) -> list[tuple[str, str, float]]:
        return [(field_name(c), c, self.cleaned_data[field_name(c)]) for c in AGENCIES]

    def known_stock_rows(self) -> list[tuple[str, str, int, float]]:
        """Only the space types whose count was given (a blank one is unknown, not none)."""
        d = self.cleaned_data
        rows = []
        for t in SPACE_TYPES:
            count, m2 = stock_names(t)
            if d.get(count) is not None:
                rows.append((count, t, d[count], d.get(m2) or 0.0))
        return rows

    def stock_rows(self) -> list[tuple[str, str, int, float]] | None:
        """The existing stock as ``(field, space_type, count, m²)``; None if left blank."""
        d = self.cleaned_data
        if all(d.get(n) is None for t in SPACE_TYPES for n in stock_names(t)):
            return None
        rows = []
        for t in SPACE_TYPES:
            count, m2 = stock_names(t)
            rows.append((count, t, d.get(count) or 0, d.get(m2) or 0.0))
        return rows
