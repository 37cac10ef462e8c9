"""Writes to the registry: the demo region and the role groups."""

from __future__ import annotations

from itertools import cycle

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation

from luukku.registry import demo_data as d
from luukku.registry.models import (
    Agency,
    BusStop,
    Equipment,
    HostOrganisation,
    Interpreter,
    OpeningPeriod,
    RegistryVersion,
    Role,
    Schedule,
    Service,
    Site,
    Space,
    StaffProfile,
)

#: Which model permissions each admin role's group gets (app_label.codename); the rows
#: each may touch are narrowed further by ``luukku.access.policy`` in the admin. Roles
#: that do not use the admin get no model permissions (and no ``is_staff``).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SITE_MANAGER: [
        "registry.view_site",
        "registry.change_site",
        *[
            f"registry.{a}_{m}"
            for m in ("space", "openingexception", "busstop", "schedule", "openingperiod")
            for a in ("view", "add", "change", "delete")
        ],
        "registry.view_staffprofile",
        "registry.view_interpreter",
        "registry.view_service",
        "registry.view_agency",
        "registry.view_equipment",
    ],
    Role.AGENCY_ADMIN: [
        *[
            f"registry.{a}_{m}"
            for m in ("staffprofile", "service")
            for a in ("view", "add", "change", "delete")
        ],
        "registry.view_agency",
        "registry.change_agency",
        "registry.view_site",
        "registry.view_equipment",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    ],
}


def _tr(obj, field: str, values: tuple[str, str, str]) -> None:
    for lang, value in zip(("fi", "sv", "en"), values, strict=True):
        setattr(obj, f"{field}_{lang}", value)
    # modeltranslation writes the plain field into the *active* language's column: in
    # Finnish, so that seeding under another language (a test in English) keeps its names.
    with translation.override("fi"):
        setattr(obj, field, values[0])


def role_groups_ensure() -> dict[str, Group]:
    """One auth group per role with its admin permissions; safe to run again."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=str(role.label))
        codes = ROLE_PERMISSIONS.get(role, [])
        perms = [
            Permission.objects.get(
                content_type__app_label=c.split(".")[0], codename=c.split(".")[1]
            )
            for c in codes
        ]
        group.permissions.set(perms)
        groups[role] = group
    return groups


def _schedule(name: str, hours, *, national: bool = False) -> Schedule:
    sched, _ = Schedule.objects.get_or_create(name=name, defaults={"is_national": national})
    if not sched.periods.exists():
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(schedule=sched, weekday=wd, opens=o, closes=c) for wd, o, c in hours
        )
    return sched


def _user(
    username: str, first: str, last: str, *, role: str, groups: dict[str, Group], password_hash: str
):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.invalid"},
    )
    if created:
        user.password = password_hash
    # Admin access only for the roles that use the admin (luukku.access.policy.ADMIN_ROLES).
    user.is_staff = role in (Role.SITE_MANAGER, Role.AGENCY_ADMIN, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save()
    user.groups.set([groups[role]])
    return user


@transaction.atomic
def demo_region_seed() -> dict[str, int]:
    """Load the Satakunta demo region; running it again changes nothing and duplicates nothing."""
    groups = role_groups_ensure()
    equipment = {}
    for code, fi, sv, en in d.EQUIPMENT:
        eq, _ = Equipment.objects.get_or_create(code=code)
        _tr(eq, "name", (fi, sv, en))
        eq.save()
        equipment[code] = eq

    agencies = {}
    for code, fi, sv, en, tuve, municipal, mix in d.AGENCIES:
        ag, _ = Agency.objects.get_or_create(code=code)
        _tr(ag, "name", (fi, sv, en))
        ag.on_security_network = tuve
        ag.is_municipal = municipal
        ag.persona_a, ag.persona_b, ag.persona_c, ag.persona_d, ag.persona_e = mix
        ag.save()
        agencies[code] = ag

    services = {}
    for agency, code, names, keywords, minutes, group, only, remote, eq, types, icon in d.SERVICES:
        svc, _ = Service.objects.get_or_create(code=code, defaults={"agency": agencies[agency]})
        svc.agency = agencies[agency]
        _tr(svc, "name", names)
        _tr(svc, "keywords", keywords)
        svc.default_duration, svc.typical_group_size = minutes, group
        svc.in_person_only, svc.remote = only, remote and not only
        svc.space_types, svc.icon = types, icon
        svc.save()
        svc.equipment.set([equipment[c] for c in eq])
        services[code] = svc

    national = _schedule("Valtakunnallinen aukioloaika", d.NATIONAL_HOURS, national=True)
    pori_hours = _schedule("Suomi-piste Pori", d.PORI_HOURS)
    library_hours = _schedule("Kankaanpään kaupunginkirjasto", d.LIBRARY_HOURS)
    host, _ = HostOrganisation.objects.get_or_create(
        name_fi="Kankaanpään kaupunginkirjasto", defaults={"schedule": library_hours}
    )
    _tr(
        host,
        "name",
        ("Kankaanpään kaupunginkirjasto", "Kankaanpää stadsbibliotek", "Kankaanpää City Library"),
    )
    host.save()

    sites = {}
    for slug, names, municipality, size, address, on_site in d.SITES:
        site, _ = Site.objects.get_or_create(
            slug=slug, defaults={"size": size, "municipality": municipality}
        )
        _tr(site, "name", names)
        site.size, site.municipality, site.address = size, municipality, address
        site.schedule = pori_hours if slug == "pori" else None
        site.host_organisation = host if size == "S" else None
        site.region = d.SITE_REGION[slug]
        site.rent_eur_per_year = d.SITE_RENT_EUR_PER_YEAR.get(slug)
        directions, access, flags = d.SITE_INFO[slug]
        _tr(site, "directions", directions)
        _tr(site, "accessibility", access)
        (
            site.step_free_access,
            site.accessible_toilet,
            site.induction_loop,
            site.accessible_parking,
        ) = flags
        if size == "XS":
            site.route_weekdays = d.BUS_WEEKDAYS
        site.full_clean()
        site.save()
        here = list(agencies.values()) if on_site == "*" else [agencies[c] for c in on_site]
        site.agencies_on_site.set(here)
        site.agencies_remote.set([a for a in agencies.values() if a not in here])
        sites[slug] = site
        for name, label, stype, zone, area, cap, eq, accessible, earmark in d.SITE_SPACES[slug]:
            space, _ = Space.objects.get_or_create(
                site=site, name=name, defaults={"space_type": stype, "capacity": cap}
            )
            _tr(space, "customer_label", label)
            space.space_type, space.zone, space.security_area = stype, zone, area
            space.capacity, space.accessible = cap, accessible
            space.area_m2 = d.SPACE_AREA_M2.get(stype)
            space.earmarked_agency = agencies[earmark] if earmark else None
            space.full_clean()
            space.save()
            space.equipment.set([equipment[c] for c in eq])
            space.clean_equipment(set(eq))

    bus = sites["satakunta-bus"]
    for place, address, municipality, weekday, arrives, departs in d.BUS_STOPS:
        # A changed timetable (an ended stop and its successor) is left as it is.
        if not BusStop.objects.filter(site=bus, place=place, weekday=weekday).exists():
            BusStop.objects.create(
                site=bus,
                place=place,
                weekday=weekday,
                address=address,
                municipality=municipality,
                arrives=arrives,
                departs=departs,
            )

    # One hash for every demo account: hashing is deliberately slow, and they share the password.
    password_hash = make_password(d.DEMO_PASSWORD)
    names = cycle((f, last) for last in d.LAST_NAMES for f in d.FIRST_NAMES)
    staff = 0

    def official(
        username: str, agency: Agency, site_slugs: list[str], remote: bool, langs: list[str]
    ) -> None:
        nonlocal staff
        first, last = next(names)
        user = _user(
            username, first, last, role=Role.OFFICIAL, groups=groups, password_hash=password_hash
        )
        prof, _ = StaffProfile.objects.get_or_create(
            user=user, defaults={"role": Role.OFFICIAL, "agency": agency}
        )
        prof.role, prof.agency, prof.serves_remotely, prof.languages = (
            Role.OFFICIAL,
            agency,
            remote,
            langs,
        )
        prof.home_site = sites[site_slugs[0]] if site_slugs else None
        prof.full_clean()
        prof.save()
        prof.services.set(agency.services.all())
        prof.sites.set([sites[s] for s in site_slugs])
        staff += 1

    slug_of = {a.code: a.code.lower().replace("/", "") for a in agencies.values()}
    for code, agency in agencies.items():
        # Assumptions: two officials per agency on site in Pori, one in Rauma where on site,
        # and one per agency serving every site remotely.
        official(f"{slug_of[code]}.pori1", agency, ["pori"], False, ["fi", "en"])
        official(f"{slug_of[code]}.pori2", agency, ["pori"], False, ["fi", "sv"])
        if agency in sites["rauma"].agencies_on_site.all():
            official(f"{slug_of[code]}.rauma1", agency, ["rauma"], False, ["fi"])
        official(f"{slug_of[code]}.eta1", agency, list(sites), True, ["fi", "sv", "en"])

    for username, role, first, last, agency, site_slugs, remote in d.DEMO_USERS:
        user = _user(username, first, last, role=role, groups=groups, password_hash=password_hash)
        prof, _ = StaffProfile.objects.get_or_create(user=user, defaults={"role": role})
        prof.role, prof.agency = role, agencies[agency] if agency else None
        prof.serves_remotely, prof.languages = remote, ["fi", "sv", "en"]
        prof.home_site = sites[site_slugs[0]] if site_slugs else None
        prof.full_clean()
        prof.save()
        prof.sites.set([sites[s] for s in site_slugs])
        if role == Role.OFFICIAL:
            prof.services.set(agencies[agency].services.all())

    for name, langs, mode in d.INTERPRETERS:
        interp, _ = Interpreter.objects.get_or_create(
            name=name, defaults={"languages": langs, "mode": mode}
        )
        if mode == "on_site":
            interp.sites.set([sites["pori"]])

    RegistryVersion.bump()  # bulk writes above bypass the signals
    return {
        "agencies": Agency.objects.count(),
        "services": Service.objects.count(),
        "sites": Site.objects.count(),
        "spaces": Space.objects.count(),
        "staff": StaffProfile.objects.count(),
        "interpreters": Interpreter.objects.count(),
        "national_schedule": national.pk,
    }
