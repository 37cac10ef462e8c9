"""Kiosk language helpers for templates: the language list, names and the ``lang`` field."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from luukku.queueing.kiosk_i18n import KIOSK_LANGUAGES, kiosk_only_language, registry_name

register = template.Library()


@register.simple_tag
def kiosk_languages() -> tuple[tuple[str, str], ...]:
    return KIOSK_LANGUAGES


@register.filter
def kiosk_name(obj) -> str:
    """A registry name in the kiosk's language: English in a kiosk-only language."""
    return registry_name(obj)


@register.filter
def kiosk_field(obj, name: str) -> str:
    """A translated field (``what_to_bring``) in the kiosk's language: English in a kiosk-only one."""
    if kiosk_only_language():
        return getattr(obj, f"{name}_en", "") or getattr(obj, name, "")
    return getattr(obj, name, "")


@register.simple_tag(takes_context=True)
def kiosk_lang_field(context) -> str:
    """The chosen kiosk language as a hidden form field ('' when none was chosen)."""
    lang = getattr(context.get("request"), "kiosk_lang", "")
    return format_html('<input type="hidden" name="lang" value="{}">', lang) if lang else ""
