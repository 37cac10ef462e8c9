"""Writes of the info desk: the demo knowledge bank and life events, and its contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation

from luukku.advice import demo_data as d
from luukku.advice.models import AdviceContact, LifeEvent, LifeEventStep, ServiceGuide
from luukku.registry.models import Service, Site, StaffProfile

_LANGS = ("fi", "sv", "en")


def _set_translated(obj, field: str, values: tuple[str, str, str]) -> None:
    for lang, value in zip(_LANGS, values, strict=True):
        setattr(obj, f"{field}_{lang}", value)
    # modeltranslation writes the plain field into the active language's column: set it
    # under Finnish, so that seeding under English (as tests run) keeps the English text.
    with translation.override("fi"):
        setattr(obj, field, values[0])


@transaction.atomic
def demo_seed() -> dict[str, int]:
    """The demo region's service guides and life events (for services that exist)."""
    services = {s.code: s for s in Service.objects.filter(code__in=_codes())}
    for code, (bring, fees, url, online, words) in d.GUIDES.items():
        if code not in services:
            continue
        guide, _ = ServiceGuide.objects.get_or_create(service=services[code])
        _set_translated(guide, "what_to_bring", bring)
        _set_translated(guide, "fees", fees)
        _set_translated(guide, "online_note", online)
        _set_translated(guide, "keywords", words)
        guide.online_url = url
        guide.save()
    for position, (code, names, steps) in enumerate(d.LIFE_EVENTS):
        event, _ = LifeEvent.objects.get_or_create(code=code, defaults={"position": position})
        _set_translated(event, "name", names)
        event.position = position
        event.save()
        wanted = [services[c] for c in steps if c in services]
        LifeEventStep.objects.filter(life_event=event).exclude(
            service__in=[s.pk for s in wanted]
        ).delete()
        for i, service in enumerate(wanted):
            LifeEventStep.objects.update_or_create(
                life_event=event, service=service, defaults={"position": i}
            )
    return {
        "service_guides": ServiceGuide.objects.count(),
        "life_events": LifeEvent.objects.count(),
    }


def _codes() -> set[str]:
    return set(d.GUIDES) | {c for _code, _names, steps in d.LIFE_EVENTS for c in steps}


# -- recording a contact (statistics, no personal data) ------------------------------

#: A contact longer than this is taken for a page left open: its duration is capped.
LONGEST_CONTACT = timedelta(hours=2)


@dataclass(frozen=True)
class ContactIn:
    site: Site
    outcome: str
    channel: str
    language: str
    started_at: datetime
    service: Service | None = None
    life_event: LifeEvent | None = None
    persona: str = ""


def advice_contact_record(
    *, contact: ContactIn, advisor: StaffProfile | None, now: datetime | None = None
) -> AdviceContact:
    """Record one served contact; its duration runs from when the advisor opened the page."""
    now = now or timezone.now()
    started = min(max(contact.started_at, now - LONGEST_CONTACT), now)
    return AdviceContact.objects.create(
        site=contact.site,
        advisor=advisor,
        service=contact.service,
        agency_id=contact.service.agency_id if contact.service else None,
        life_event=contact.life_event,
        outcome=contact.outcome,
        channel=contact.channel,
        language=contact.language,
        persona=contact.persona,
        started_at=started,
        recorded_at=now,
        duration_s=int((now - started).total_seconds()),
    )
