"""Reads of the info desk: the triage search and the life events, for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from luukku.access.policy import advice_site_ids, profile_of
from luukku.advice.models import LifeEvent, LifeEventStep, ServiceGuide
from luukku.core.advice import ServiceTerms, index_build, search
from luukku.registry.models import Service, Site

_LANGS = ("fi", "sv", "en")
#: The longest query the search takes (the page and the API refuse longer ones alike).
QUERY_MAX = 200


class QueryError(ValueError):
    """Bad search input, naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TriageResult:
    service: Service
    guide: ServiceGuide | None
    score: float
    matched: tuple[str, ...]


def _guide(service: Service) -> ServiceGuide | None:
    try:
        return service.guide
    except ServiceGuide.DoesNotExist:
        return None


def _terms(service: Service) -> ServiceTerms:
    texts = [getattr(service, f"{f}_{lang}") or "" for f in ("name", "keywords") for lang in _LANGS]
    guide = _guide(service)
    if guide is not None:
        texts += [getattr(guide, f"keywords_{lang}") or "" for lang in _LANGS]
    names = tuple(getattr(service, f"name_{lang}") or "" for lang in _LANGS)
    return ServiceTerms(service.code, tuple(texts), names)


def triage_search(query: str, *, limit: int = 10) -> list[TriageResult]:
    """Services for what the customer says (any of fi/sv/en), best first, with their guides."""
    query = (query or "").strip()
    if len(query) > QUERY_MAX:
        raise QueryError("q", _("At most %(n)d characters.") % {"n": QUERY_MAX})
    if not 1 <= limit <= 50:
        raise QueryError("limit", _("Between 1 and 50."))
    if not query:
        return []
    services = list(Service.objects.select_related("agency", "guide").order_by("code"))
    by_code = {s.code: s for s in services}
    matches = search(query, index_build([_terms(s) for s in services]), limit=limit)
    return [
        TriageResult(by_code[m.code], _guide(by_code[m.code]), m.score, m.matched) for m in matches
    ]


def life_event_list() -> list[LifeEvent]:
    """Life events with their services in order (three queries however many there are)."""
    steps = LifeEventStep.objects.select_related("service__agency", "service__guide").order_by(
        "position", "pk"
    )
    return list(LifeEvent.objects.prefetch_related(Prefetch("steps", queryset=steps)))


def staff_sites(user):
    """The points where this user records contacts, their home point first."""
    ids = advice_site_ids(user)
    sites = Site.objects.all() if ids is None else Site.objects.filter(pk__in=ids)
    return sites.order_by("name")


def home_site(user, sites):
    """The user's home point if they record contacts there (the form's default)."""
    profile = profile_of(user)
    home = profile.home_site_id if profile else None
    return sites.filter(pk=home).first() if home else None
