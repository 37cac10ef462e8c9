"""The registry: agencies, services, sites, spaces, people and opening hours.

Officials, spaces and interpreters each own a :class:`Resource`; the booking app
reserves resources, never the things themselves, so one reservation mechanism
(and one database constraint) serves people and rooms alike.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Size(models.TextChoices):
    L = "L", _("L – large service point")
    M = "M", _("M – medium service point")
    S = "S", _("S – remote-service point in a host organisation")
    XS = "XS", _("XS – service bus")


class Region(models.TextChoices):
    """Finland's regions (maakunnat), by Statistics Finland's region code."""

    UUSIMAA = "01", _("Uusimaa")
    VARSINAIS_SUOMI = "02", _("Southwest Finland")
    SATAKUNTA = "04", _("Satakunta")
    KANTA_HAME = "05", _("Kanta-Häme")
    PIRKANMAA = "06", _("Pirkanmaa")
    PAIJAT_HAME = "07", _("Päijät-Häme")
    KYMENLAAKSO = "08", _("Kymenlaakso")
    ETELA_KARJALA = "09", _("South Karelia")
    ETELA_SAVO = "10", _("South Savo")
    POHJOIS_SAVO = "11", _("North Savo")
    POHJOIS_KARJALA = "12", _("North Karelia")
    KESKI_SUOMI = "13", _("Central Finland")
    ETELA_POHJANMAA = "14", _("South Ostrobothnia")
    POHJANMAA = "15", _("Ostrobothnia")
    KESKI_POHJANMAA = "16", _("Central Ostrobothnia")
    POHJOIS_POHJANMAA = "17", _("North Ostrobothnia")
    KAINUU = "18", _("Kainuu")
    LAPPI = "19", _("Lapland")
    AHVENANMAA = "21", _("Åland")


class SpaceType(models.TextChoices):
    ENTRANCE_LOBBY = "entrance_lobby", _("entrance lobby with info desk")
    INFO_DESK = "info_desk", _("info desk")
    KIOSK = "kiosk", _("check-in and queue-number kiosk")
    WAITING_SEATS = "waiting_seats", _("waiting seats")
    ADVICE_POINT = "advice_point", _("advice point")
    QUIET_ROOM = "quiet_room", _("quiet room")
    CHILDRENS_CORNER = "childrens_corner", _("children's corner")
    SELF_SERVICE_TERMINAL = "self_service_terminal", _("self-service terminal")
    FORM_POINT = "form_point", _("form point")
    SCREENED_BOOTH = "screened_booth", _("screened service booth")
    SERVICE_ROOM = "service_room", _("service room")
    REMOTE_SERVICE_ROOM = "remote_service_room", _("remote-service room")
    SAFE_ROOM = "safe_room", _("safe room")
    MEETING_ROOM = "meeting_room", _("meeting room (up to 6)")
    DOCUMENT_POINT = "document_point", _("document drop-off and pick-up point")
    BACK_OFFICE = "back_office", _("back-office workstation room")
    PRINT_SCAN = "print_scan", _("print and scan room")
    ARCHIVE = "archive", _("local archive")
    MEETING_CENTRE_ROOM = "meeting_centre_room", _("meeting-centre room")


#: Space types in which a customer can be served (the rest are support spaces).
SERVICE_SPACE_TYPES = frozenset(
    {
        SpaceType.SCREENED_BOOTH,
        SpaceType.SERVICE_ROOM,
        SpaceType.REMOTE_SERVICE_ROOM,
        SpaceType.SAFE_ROOM,
        SpaceType.MEETING_ROOM,
        SpaceType.MEETING_CENTRE_ROOM,
        SpaceType.DOCUMENT_POINT,
    }
)


class Zone(models.TextChoices):
    PUBLIC = "public", _("public")
    SEMI_PUBLIC = "semi_public", _("semi-public")
    INTERNAL = "internal", _("internal")


class SecurityArea(models.TextChoices):
    PUBLIC = "public", _("public area")
    CONTROLLED = "controlled", _("controlled area")
    ADMINISTRATIVE = "administrative", _("administrative area")
    SECURE = "secure", _("secure area")


class Role(models.TextChoices):
    OFFICIAL = "official", _("agency official")
    ADVISOR = "advisor", _("service advisor")
    HOST_STAFF = "host_staff", _("host organisation staff")
    SITE_MANAGER = "site_manager", _("site manager")
    AGENCY_ADMIN = "agency_admin", _("agency administrator")
    PLANNER = "planner", _("facility planner")
    ADMIN = "admin", _("national administrator")


class Equipment(models.Model):
    """A device a service needs or a space offers (ID-card reader, video, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


#: The equipment code a remote-service room must have.
VIDEO = "video"


class Agency(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_municipal = models.BooleanField(_("municipal or wellbeing-county service"), default=False)
    on_security_network = models.BooleanField(
        _("on the government security network (TUVE)"),
        default=False,
        help_text=_("Needs segregated devices and rooms."),
    )
    # Persona mix in per cent (REQUIREMENTS 2, fall 2021 survey).
    persona_a = models.PositiveSmallIntegerField(
        _("persona A %"), default=0, validators=[MaxValueValidator(100)]
    )
    persona_b = models.PositiveSmallIntegerField(
        _("persona B %"), default=0, validators=[MaxValueValidator(100)]
    )
    persona_c = models.PositiveSmallIntegerField(
        _("persona C %"), default=0, validators=[MaxValueValidator(100)]
    )
    persona_d = models.PositiveSmallIntegerField(
        _("persona D %"), default=0, validators=[MaxValueValidator(100)]
    )
    persona_e = models.PositiveSmallIntegerField(
        _("persona E (other) %"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        total = self.persona_a + self.persona_b + self.persona_c + self.persona_d + self.persona_e
        if total not in (0, 100):
            raise ValidationError(
                {
                    "persona_e": _("The persona shares add up to %(total)s %%, not 100 %%.")
                    % {"total": total}
                }
            )


class Service(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("agency")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    keywords = models.TextField(_("search keywords"), blank=True)
    default_duration = models.PositiveSmallIntegerField(
        _("default duration (minutes)"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    typical_group_size = models.PositiveSmallIntegerField(
        _("typical group size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    in_person = models.BooleanField(_("face to face"), default=True)
    remote = models.BooleanField(_("remote video"), default=True)
    in_person_only = models.BooleanField(
        _("can only be done in person"),
        default=False,
        help_text=_("E.g. passport, identity card, personal identity code."),
    )
    equipment = models.ManyToManyField(Equipment, blank=True, verbose_name=_("required equipment"))
    space_types = models.JSONField(
        _("suitable space types"),
        default=list,
        blank=True,
        help_text=_("Space type codes; empty means a screened booth or a service room."),
    )
    bookable = models.BooleanField(_("bookable"), default=True)
    walk_in = models.BooleanField(_("walk-in (queue number)"), default=True)
    icon = models.CharField(
        _("icon"), max_length=8, blank=True, help_text=_("A pictogram for the kiosk.")
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["agency__code", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def channels(self) -> list[str]:
        return [
            c
            for c, on in (
                ("in_person", self.in_person),
                ("remote", self.remote and not self.in_person_only),
            )
            if on
        ]

    def suitable_space_types(self) -> frozenset[str]:
        return frozenset(self.space_types or (SpaceType.SCREENED_BOOTH, SpaceType.SERVICE_ROOM))

    def clean(self) -> None:
        errors = {}
        if self.in_person_only and not self.in_person:
            errors["in_person"] = _(
                "A service that can only be done in person must be offered face to face."
            )
        if not self.in_person and not self.remote:
            errors["remote"] = _("Choose at least one channel: face to face or remote video.")
        if not self.bookable and not self.walk_in:
            errors["walk_in"] = _("A service must be bookable, walk-in or both.")
        bad = [t for t in (self.space_types or []) if t not in SpaceType.values]
        if not isinstance(self.space_types, list) or bad:
            errors["space_types"] = _("Unknown space type: %(types)s.") % {
                "types": ", ".join(map(str, bad)) or "?"
            }
        if errors:
            raise ValidationError(errors)


class Schedule(models.Model):
    """A named set of weekly opening periods: the national template, a host's hours, a site's own."""

    name = models.CharField(_("name"), max_length=100)
    is_national = models.BooleanField(_("national template"), default=False)

    class Meta:
        verbose_name = _("opening-hours schedule")
        verbose_name_plural = _("opening-hours schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["is_national"],
                condition=models.Q(is_national=True),
                name="one_national_schedule",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="periods", verbose_name=_("schedule")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        ordering = ["schedule", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})
        if self.schedule_id and self.opens and self.closes:
            clash = (
                OpeningPeriod.objects.filter(schedule_id=self.schedule_id, weekday=self.weekday)
                .exclude(pk=self.pk)
                .filter(opens__lt=self.closes, closes__gt=self.opens)
                .first()
            )
            if clash:
                raise ValidationError(
                    {
                        "opens": _(
                            "This period overlaps another period on the same day (%(other)s)."
                        )
                        % {"other": clash}
                    }
                )


class HostOrganisation(models.Model):
    """The library, town hall or other host of an S point; the point keeps the host's hours."""

    name = models.CharField(_("name"), max_length=200)
    schedule = models.ForeignKey(
        Schedule, on_delete=models.PROTECT, verbose_name=_("opening hours")
    )

    class Meta:
        verbose_name = _("host organisation")
        verbose_name_plural = _("host organisations")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    municipality = models.CharField(_("municipality"), max_length=100)
    region = models.CharField(
        _("region"),
        max_length=2,
        choices=Region.choices,
        blank=True,
        help_text=_("The region (maakunta) whose figures the point's reports add up to."),
    )
    size = models.CharField(_("size"), max_length=2, choices=Size.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    host_organisation = models.ForeignKey(
        HostOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("host organisation"),
    )
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Helsinki")
    schedule = models.ForeignKey(
        Schedule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("own opening hours"),
        help_text=_(
            "Leave empty to follow the national template (or the host's hours at an S point)."
        ),
    )
    agencies_on_site = models.ManyToManyField(
        Agency, blank=True, related_name="sites_on_site", verbose_name=_("agencies serving on site")
    )
    agencies_remote = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="sites_remote",
        verbose_name=_("agencies serving only remotely"),
    )
    # What the point's public page tells a visitor before they come (translated fields).
    directions = models.TextField(
        _("how to get there"),
        blank=True,
        help_text=_("Public transport, parking, the entrance: shown on the point's public page."),
    )
    accessibility = models.TextField(
        _("accessibility information"),
        blank=True,
        help_text=_("Anything a visitor with a disability should know, shown on the public page."),
    )
    step_free_access = models.BooleanField(_("step-free entrance"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    induction_loop = models.BooleanField(_("induction loop"), default=False)
    accessible_parking = models.BooleanField(_("accessible parking nearby"), default=False)
    # Bus routes (XS): the weekdays the route runs; stops must fall on them.
    route_weekdays = models.JSONField(
        _("route weekdays"),
        default=list,
        blank=True,
        help_text=_("Bus only: weekday numbers 0 (Mon) – 6 (Sun)."),
    )
    route_valid_from = models.DateField(_("route valid from"), null=True, blank=True)
    route_valid_until = models.DateField(_("route valid until"), null=True, blank=True)
    # What the premises cost, for the reports' cost per m² and per hour of use.
    rent_eur_per_year = models.DecimalField(
        _("rent (€ a year)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "The premises' rent and charges a year. Leave empty if the point records no rent "
            "(e.g. inside a host's premises)."
        ),
    )

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["-size", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.size})"

    @property
    def is_bus(self) -> bool:
        return self.size == Size.XS

    def clean(self) -> None:
        errors = {}
        if self.size == Size.S and not self.host_organisation_id:
            errors["host_organisation"] = _(
                "An S point works inside a host organisation: choose it."
            )
        if self.size != Size.S and self.host_organisation_id:
            errors["host_organisation"] = _("Only an S point has a host organisation.")
        if self.size == Size.XS:
            days = self.route_weekdays
            if not isinstance(days, list) or not days or any(d not in range(7) for d in days):
                errors["route_weekdays"] = _("A bus route needs its weekdays as numbers 0–6.")
        if (
            self.route_valid_from
            and self.route_valid_until
            and self.route_valid_until < self.route_valid_from
        ):
            errors["route_valid_until"] = _("The route cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class Resource(models.Model):
    """Anything a booking reserves: an official, a space or an interpreter."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("official")
        SPACE = "space", _("space")
        INTERPRETER = "interpreter", _("interpreter")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class ResourceOwner(models.Model):
    """Gives a model its own :class:`Resource`, created on first save."""

    resource = models.OneToOneField(
        Resource, on_delete=models.PROTECT, editable=False, related_name="+"
    )
    resource_kind: str = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.resource_id:
            self.resource = Resource.objects.create(kind=self.resource_kind, label=str(self)[:200])
        super().save(*args, **kwargs)


class Space(ResourceOwner):
    resource_kind = Resource.Kind.SPACE

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("service point")
    )
    name = models.CharField(_("internal name"), max_length=100)
    customer_label = models.CharField(
        _("label shown to customers"),
        max_length=60,
        help_text=_("Shown on displays and tickets, e.g. 'Room 4'."),
    )
    space_type = models.CharField(_("space type"), max_length=30, choices=SpaceType.choices)
    zone = models.CharField(
        _("zone"), max_length=12, choices=Zone.choices, default=Zone.SEMI_PUBLIC
    )
    security_area = models.CharField(
        _("security area"),
        max_length=16,
        choices=SecurityArea.choices,
        default=SecurityArea.CONTROLLED,
    )
    capacity = models.PositiveSmallIntegerField(_("capacity (persons)"), default=2)
    accessible = models.BooleanField(_("wheelchair accessible"), default=True)
    equipment = models.ManyToManyField(Equipment, blank=True, verbose_name=_("equipment"))
    earmarked_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("earmarked for agency"),
        help_text=_("Only in special cases: a customer need or the agency's security requirement."),
    )
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["site", "space_type", "name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.site.slug if self.site_id else '?'}"

    @property
    def is_safe_room(self) -> bool:
        return self.space_type == SpaceType.SAFE_ROOM

    #: Words that would give a safe room away on a door sign or a display.
    REVEALING_WORDS = ("turva", "safe", "säker", "saker", "security", "suoja", "hälytys", "alarm")

    def clean(self) -> None:
        errors = {}
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("Capacity must be at least 1 person.")
        if self.site_id and self.site.size == Size.S and self.zone == Zone.INTERNAL:
            errors["zone"] = _("An S point has no internal zone.")
        if self.space_type == SpaceType.SAFE_ROOM:
            labels = " ".join(
                str(getattr(self, f, "") or "")
                for f in (
                    "customer_label",
                    "customer_label_fi",
                    "customer_label_sv",
                    "customer_label_en",
                )
            ).lower()
            if any(word in labels for word in self.REVEALING_WORDS):
                errors["customer_label"] = _(
                    "A safe room's label must look like any other room's: it must not reveal what the room is."
                )
        if errors:
            raise ValidationError(errors)

    def clean_equipment(self, equipment_codes: set[str]) -> None:
        """Check the many-to-many equipment, which the form knows before the model does."""
        if self.space_type == SpaceType.REMOTE_SERVICE_ROOM and VIDEO not in equipment_codes:
            raise ValidationError({"equipment": _("A remote-service room needs video equipment.")})


class StaffProfile(ResourceOwner):
    resource_kind = Resource.Kind.OFFICIAL

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("agency")
    )
    services = models.ManyToManyField(
        Service, blank=True, verbose_name=_("services they can serve")
    )
    languages = models.JSONField(
        _("languages"), default=list, help_text=_("ISO 639-1 codes, e.g. fi, sv, en.")
    )
    sites = models.ManyToManyField(
        Site, blank=True, related_name="staff", verbose_name=_("sites they work at")
    )
    serves_remotely = models.BooleanField(_("serves remotely"), default=False)
    home_site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("home site"),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def clean(self) -> None:
        errors = {}
        if self.role == Role.OFFICIAL and not self.agency_id:
            errors["agency"] = _("An official must belong to an agency.")
        if self.role == Role.AGENCY_ADMIN and not self.agency_id:
            errors["agency"] = _("An agency administrator must belong to an agency.")
        if not isinstance(self.languages, list) or any(
            not isinstance(code, str) or len(code) != 2 for code in self.languages
        ):
            errors["languages"] = _(
                'Give languages as a list of two-letter codes, e.g. ["fi", "sv"].'
            )
        if errors:
            raise ValidationError(errors)


class Interpreter(ResourceOwner):
    resource_kind = Resource.Kind.INTERPRETER

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("on site")
        REMOTE = "remote", _("remote")

    name = models.CharField(_("name"), max_length=100)
    languages = models.JSONField(_("languages"), default=list)
    mode = models.CharField(_("works"), max_length=8, choices=Mode.choices, default=Mode.REMOTE)
    sites = models.ManyToManyField(Site, blank=True, verbose_name=_("sites (on-site interpreters)"))

    class Meta:
        verbose_name = _("interpreter")
        verbose_name_plural = _("interpreters")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.languages, list) or not self.languages:
            raise ValidationError({"languages": _("An interpreter needs at least one language.")})


class OpeningException(models.Model):
    """A dated change of a site's hours: closed, or open at other times."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("service point")
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("opening-hours exception")
        verbose_name_plural = _("opening-hours exceptions")
        ordering = ["site", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="one_exception_per_site_day")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.date}"

    def clean(self) -> None:
        if not self.closed:
            if self.opens is None:
                raise ValidationError(
                    {"opens": _("Give the opening time, or mark the day closed.")}
                )
            if self.closes is None or self.closes <= self.opens:
                raise ValidationError(
                    {"closes": _("The closing time must be after the opening time.")}
                )


class BusStop(models.Model):
    """A stop of a service bus: a place the bus serves at a given time."""

    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        related_name="stops",
        limit_choices_to={"size": Size.XS},
        verbose_name=_("bus route"),
    )
    place = models.CharField(_("place"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("For a one-off stop."))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, choices=Weekday.choices
    )
    arrives = models.TimeField(_("arrives"))
    departs = models.TimeField(_("departs"))
    #: A timetable change ends a stop (``valid_until``) and adds its successor from the
    #: next day (``valid_from``), so the days already served keep the stop they had.
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("The first day of this stop.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("The last day of this stop.")
    )

    class Meta:
        verbose_name = _("bus stop")
        verbose_name_plural = _("bus stops")
        ordering = ["site", "weekday", "date", "arrives"]

    def __str__(self) -> str:
        when = (
            self.date.isoformat()
            if self.date
            else (self.get_weekday_display() if self.weekday is not None else "?")
        )
        return f"{self.place} {when} {self.arrives:%H:%M}–{self.departs:%H:%M}"

    def is_valid_on(self, day: date) -> bool:
        """Whether the stop is in the timetable on ``day`` (its validity, not its weekday)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def clean(self) -> None:
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The stop must end on or after the day it begins.")
        if self.date and not self.is_valid_on(self.date):
            errors["date"] = _("The date is outside the stop's own validity period.")
        if (self.date is None) == (self.weekday is None):
            errors["weekday"] = _(
                "Give either a weekday (a regular stop) or a date (a one-off stop), not both."
            )
        if self.arrives and self.departs and self.departs <= self.arrives:
            errors["departs"] = _("The bus must depart after it arrives.")
        if self.site_id and not errors:
            route = self.site
            if route.size != Size.XS:
                errors["site"] = _("Stops belong to a bus route (an XS point).")
            else:
                day = self.date.weekday() if self.date else self.weekday
                if day not in (route.route_weekdays or []):
                    field = "date" if self.date else "weekday"
                    errors[field] = _("The route does not run on this day of the week.")
                if self.date and (
                    (route.route_valid_from and self.date < route.route_valid_from)
                    or (route.route_valid_until and self.date > route.route_valid_until)
                ):
                    errors["date"] = _("The date is outside the route's validity period.")
                if (
                    self.arrives
                    and self.departs
                    and "weekday" not in errors
                    and "date" not in errors
                ):
                    same_day = BusStop.objects.filter(site=route).exclude(pk=self.pk)
                    same_day = (
                        same_day.filter(date=self.date)
                        if self.date
                        else same_day.filter(weekday=self.weekday)
                    )
                    # Stops whose validity periods do not meet never stand at the same time.
                    if self.valid_from:
                        same_day = same_day.exclude(valid_until__lt=self.valid_from)
                    if self.valid_until:
                        same_day = same_day.exclude(valid_from__gt=self.valid_until)
                    clash = same_day.filter(
                        arrives__lt=self.departs, departs__gt=self.arrives
                    ).first()
                    if clash:
                        errors["arrives"] = _("The bus is at another stop then (%(other)s).") % {
                            "other": clash
                        }
        if errors:
            raise ValidationError(errors)


class RegistryVersion(models.Model):
    """A token that changes with every registry write, so processes know to reload their snapshot.

    A random token rather than a counter: a rolled-back write must not leave another
    process holding a snapshot under a version number that is later reused.
    """

    token = models.CharField(max_length=32, default="initial")

    @classmethod
    def current(cls) -> str:
        """The token now (one indexed row; read before every search, booking and call)."""
        tokens = cls.objects.filter(pk=1).order_by().values_list("token", flat=True)
        return next(iter(tokens), "none")

    @classmethod
    def bump(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
