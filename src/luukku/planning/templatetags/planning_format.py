"""Template filters for the planner page."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value, decimals: int = 0) -> str:
    """A share 0..1 as a percentage in the reader's locale: 0.879 -> "88 %" (fi, sv)."""
    try:
        share = float(value)
    except (TypeError, ValueError):
        return ""
    number = number_format(round(share * 100, int(decimals)), int(decimals), use_l10n=True)
    # Translators: a percentage; Finnish and Swedish put a no-break space before %.
    return _("%(number)s%%") % {"number": number}
