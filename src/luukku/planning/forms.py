"""The planner's form: size, visits per agency, one scenario."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luukku.core.planning.inputs import AGENCIES

SIZE_CHOICES = [
    ("L", _("L — large")),
    ("M", _("M — medium")),
    ("S", _("S — small remote point")),
    ("XS", _("XS — service bus")),
]


def field_name(code: str) -> str:
    return "visits_" + code.replace("/", "_").lower()


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

    def __init__(self, *args, initial_visits: dict[str, float] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for code in AGENCIES:
            self.fields[field_name(code)] = forms.FloatField(
                label=_("%(agency)s visits per year") % {"agency": code},
                min_value=0,
                required=True,
                initial=(initial_visits or {}).get(code, 0),
            )

    def visit_fields(self):
        return [self[field_name(code)] for code in AGENCIES]

    def pairs(self) -> list[tuple[str, str, float]]:
        return [(field_name(c), c, self.cleaned_data[field_name(c)]) for c in AGENCIES]
