"""The kiosk's own languages: fi, sv and en like the site, and five more for the kiosk only.

Russian, Ukrainian, Estonian, Arabic (right to left) and Somali are offered on the
kiosk's first screen and carried in the address (``?lang=``) and the kiosk's forms, so
the next customer at a shared kiosk starts again in the point's own language. They
are not in ``LANGUAGES``: the rest of the site, its language switcher and the
modeltranslation fields stay fi/sv/en. Registry names (agencies, services, the point)
have no translation in these languages and are shown in English.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import get_language

#: Every language of the kiosk's first screen, each named in itself.
KIOSK_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("fi", "Suomi"),
    ("sv", "Svenska"),
    ("en", "English"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("et", "Eesti"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
)
KIOSK_CODES = frozenset(code for code, _name in KIOSK_LANGUAGES)
#: The kiosk-only languages (not in ``LANGUAGES``; registry names shown in English).
KIOSK_ONLY = frozenset({"ru", "uk", "et", "ar", "so"})


def kiosk_only_language() -> bool:
    return (get_language() or "").split("-")[0] in KIOSK_ONLY


def registry_name(obj) -> str:
    """A registry name in the active language: English in a kiosk-only language."""
    if kiosk_only_language():
        return getattr(obj, "name_en", "") or obj.name
    return obj.name


def requested_language(request: HttpRequest) -> str:
    """The kiosk language asked for in the form or the address ('' for none or an unknown)."""
    lang = request.POST.get("lang", "") if request.method == "POST" else ""
    lang = lang or request.GET.get("lang", "")
    return lang if lang in KIOSK_CODES else ""


def _with_lang(url: str, lang: str) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode({"lang": lang})) if q)
    return urlunsplit(parts._replace(query=query))


def kiosk_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a kiosk view in the language chosen at the kiosk, and keep it across a redirect."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        lang = requested_language(request)
        request.kiosk_lang = lang
        if not lang:
            return view(request, *args, **kwargs)
        with translation.override(lang):
            response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseRedirect) and "lang=" not in response["Location"]:
            response["Location"] = _with_lang(response["Location"], lang)
        response["Content-Language"] = lang
        return response

    return wrapper
