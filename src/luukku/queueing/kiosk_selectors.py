"""Reads of the kiosk's first screens: the agencies and services it gives numbers for,
and the search box over them (the info desk's triage search)."""

from __future__ import annotations

from dataclasses import dataclass

from luukku.advice.selectors import triage_search
from luukku.registry.models import Service, Site


def kiosk_services(site: Site) -> list[tuple]:
    """Agencies at the site with the walk-in services a customer can take a number for here."""
    on_site = set(site.agencies_on_site.values_list("pk", flat=True))
    remote = set(site.agencies_remote.values_list("pk", flat=True))
    services = Service.objects.filter(walk_in=True, agency_id__in=on_site | remote).select_related(
        "agency"
    )
    grouped: dict[int, tuple] = {}
    for s in services:
        if s.agency_id not in on_site and (s.in_person_only or not s.remote):
            continue
        grouped.setdefault(s.agency_id, (s.agency, s.agency_id in on_site, []))[2].append(s)
    return sorted(grouped.values(), key=lambda g: g[0].name)


@dataclass(frozen=True)
class KioskSearch:
    """What a customer typed at the kiosk, answered from the info desk's search."""

    query: str
    here: list[Service]  # a number can be taken for these here, best match first
    book: list[Service]  # found, but served here by booking only (or not here at all)


#: The most services the kiosk lists for one search (two screens' worth of buttons).
KIOSK_SEARCH_MAX = 8


def kiosk_search(site: Site, query: str) -> KioskSearch:
    """The triage search (inflected Finnish and typos too) over the kiosk's own list.

    The services offered as buttons are exactly those of the kiosk's agency screens
    (:func:`kiosk_services`), so a search never gives a number the buttons would not.
    Raises ``advice.selectors.QueryError`` for a query too long.
    """
    found = [r.service for r in triage_search(query, limit=20)]
    here_ids = {s.pk for _agency, _on_site, items in kiosk_services(site) for s in items}
    here = [s for s in found if s.pk in here_ids][:KIOSK_SEARCH_MAX]
    book = [s for s in found if s.pk not in here_ids and s.bookable][:KIOSK_SEARCH_MAX]
    return KioskSearch(query, here, book)
