"""``{% idempotency_field %}``: a fresh idempotency key as a hidden field of a form.

One key per form rendered, so that sending that form again (a retry after a lost
answer, a double tap on a kiosk) makes one ticket or booking, while the next form
shown makes a new one.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from luukku.integration.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_field() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
