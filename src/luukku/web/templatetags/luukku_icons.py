"""Pictograms as small SVG files, so a kiosk PC without an emoji font still shows them.

A service keeps its ``icon`` as a character (admins pick one); the templates never print
it: ``{% service_icon service %}`` maps it to one of the SVG files under
``static/luukku/icons`` (``document`` when the character is not known), and
``{% icon "bus" %}`` shows a named one. The images are decorative (``alt=""``): the
text next to them says the same.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

#: The SVG files there are (without ``.svg``).
ICONS = frozenset(
    "book briefcase bus calendar document euro globe house id-card info passport people"
    " person question scales video".split()
)

#: A service's icon character → the SVG that stands for it.
BY_CHARACTER = {
    "🛂": "passport",
    "🪪": "id-card",
    "🔢": "id-card",
    "📄": "document",
    "📜": "document",
    "🧾": "document",
    "📑": "document",
    "📋": "document",
    "🖋": "document",
    "✍": "document",
    "🏠": "house",
    "🏡": "house",
    "📦": "house",
    "💶": "euro",
    "💳": "euro",
    "🏦": "euro",
    "🏛": "euro",
    "🍞": "euro",
    "🤝": "people",
    "🤲": "people",
    "🧡": "people",
    "👨\u200d👩\u200d👧": "people",
    "💍": "people",
    "👶": "people",
    "🌍": "globe",
    "🇫🇮": "globe",
    "🇪🇺": "globe",
    "💼": "briefcase",
    "🧭": "briefcase",
    "🚀": "briefcase",
    "⛑": "briefcase",
    "🚜": "briefcase",
    "📚": "book",
    "🎓": "book",
    "⚖": "scales",
    "🛡": "scales",
    "🗓": "calendar",
    "ℹ": "info",
    "💡": "info",
    "?": "question",
}


def icon_name(character: str) -> str:
    """The SVG for a service's icon character (variation selectors ignored)."""
    key = (character or "").replace("\ufe0f", "").strip()
    return BY_CHARACTER.get(key, "document")


@register.simple_tag
def icon(name: str, size: int = 32):
    """A named pictogram; an unknown name is a template bug, so it fails loudly."""
    if name not in ICONS:
        raise template.TemplateSyntaxError(f"no icon {name!r}")
    return format_html(
        '<img class="icon" src="{}" alt="" width="{}" height="{}">',
        static(f"luukku/icons/{name}.svg"),
        size,
        size,
    )


@register.simple_tag
def service_icon(service, size: int = 32):
    """The pictogram of a service, as an SVG image."""
    return icon(icon_name(getattr(service, "icon", "")), size)
