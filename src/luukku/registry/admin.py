"""Registry admin: every bad input answers with a message on the field it concerns.

Who may touch which rows is the access policy's (``luukku.access.policy``): each
ModelAdmin narrows its queryset, its permissions and its choices by it, so a site
manager edits only their own sites' spaces, hours and exceptions, an agency
administrator only their agency's officials and services, and nobody but the
national administrator gives anyone a role or a site outside their own scope.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from luukku.access import policy
from luukku.registry import models as m


def _is_national(request) -> bool:
    return policy.role_of(request.user) == m.Role.ADMIN


class NationalOnlyWrites:
    """Everyone with the view permission reads; only the national administrator writes."""

    def has_add_permission(self, request, *args):
        return _is_national(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_national(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_national(request) and super().has_delete_permission(request, obj)


class SiteScoped:
    """Rows of a site (``site_path`` from the model): only the sites the user manages."""

    site_path = "site"

    def _site_of(self, obj):
        return getattr(obj, self.site_path) if obj is not None else None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = policy.managed_site_ids(request.user)
        return qs if ids is None else qs.filter(**{f"{self.site_path}__in": sorted(ids)})

    def _may(self, request, obj) -> bool:
        if obj is None:
            return policy.managed_site_ids(request.user) != frozenset()
        return policy.can_manage_site(request.user, self._site_of(obj))

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._may(request, None) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.site_path:
            ids = policy.managed_site_ids(request.user)
            qs = kwargs.get("queryset")
            if qs is None:
                qs = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = qs if ids is None else qs.filter(pk__in=sorted(ids))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SiteInlineScoped:
    """An inline of a site: editable only by those who manage that site."""

    def _may(self, request, obj) -> bool:
        return (
            obj is None
            and _is_national(request)
            or (obj is not None and policy.can_manage_site(request.user, obj))
        )

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_delete_permission(request, obj)


@admin.register(m.Equipment)
class EquipmentAdmin(NationalOnlyWrites, TranslationAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(m.Agency)
class AgencyAdmin(TranslationAdmin):
    list_display = ("code", "name", "on_security_network", "is_municipal")
    search_fields = ("code", "name")

    def has_add_permission(self, request):
        return policy.can_create_agencies_and_sites(request.user) and super().has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None):
        allowed = (
            policy.managed_agency_ids(request.user) != frozenset()
            if obj is None
            else policy.can_manage_agency(request.user, obj)
        )
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_national(request) and super().has_delete_permission(request, obj)


@admin.register(m.Service)
class ServiceAdmin(TranslationAdmin):
    list_display = (
        "name",
        "agency",
        "default_duration",
        "in_person",
        "remote",
        "in_person_only",
        "bookable",
        "walk_in",
    )
    list_filter = ("agency", "in_person_only", "remote", "bookable", "walk_in")
    search_fields = ("name", "keywords", "code")
    filter_horizontal = ("equipment",)

    def _may(self, request, obj) -> bool:
        if obj is None:
            return policy.managed_agency_ids(request.user) != frozenset()
        return policy.can_manage_agency(request.user, obj.agency_id)

    def has_add_permission(self, request):
        return self._may(request, None) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            ids = policy.managed_agency_ids(request.user)
            if ids is not None:
                kwargs["queryset"] = m.Agency.objects.filter(pk__in=sorted(ids))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OpeningPeriodFormSet(forms.BaseInlineFormSet):
    """Check overlaps among the rows being saved together, not only against saved rows."""

    def clean(self) -> None:
        super().clean()
        rows = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("opens")
        ]
        rows.sort(key=lambda f: (f.cleaned_data["weekday"], f.cleaned_data["opens"]))
        for a, b in zip(rows, rows[1:], strict=False):
            if a.cleaned_data["weekday"] == b.cleaned_data["weekday"] and b.cleaned_data[
                "opens"
            ] < a.cleaned_data.get("closes", b.cleaned_data["opens"]):
                b.add_error("opens", _("This period overlaps another period on the same day."))


class OpeningPeriodInline(admin.TabularInline):
    model = m.OpeningPeriod
    formset = OpeningPeriodFormSet
    extra = 0


def _schedule_editable(request, obj) -> bool:
    """The national administrator edits any schedule; a site manager only their sites' own
    (never the national template)."""
    if _is_national(request):
        return True
    ids = policy.managed_site_ids(request.user) or frozenset()
    if obj is None:
        return bool(ids)
    if obj.is_national or not ids:
        return False
    users = m.Site.objects.filter(schedule=obj)
    unassigned = not users.exists() and not m.HostOrganisation.objects.filter(schedule=obj).exists()
    return unassigned or users.filter(pk__in=sorted(ids)).exists()


class ScheduleInlineScoped:
    def has_add_permission(self, request, obj=None):
        return _schedule_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _schedule_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _schedule_editable(request, obj) and super().has_delete_permission(request, obj)


class ScopedOpeningPeriodInline(ScheduleInlineScoped, OpeningPeriodInline):
    pass


@admin.register(m.Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "is_national")
    inlines = [ScopedOpeningPeriodInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _is_national(request):
            return qs
        ids = sorted(policy.managed_site_ids(request.user) or ())
        return qs.filter(
            Q(is_national=True)
            | Q(site__pk__in=ids)
            | Q(site__isnull=True, hostorganisation__isnull=True)
        ).distinct()

    def get_readonly_fields(self, request, obj=None):
        return () if _is_national(request) else ("is_national",)

    def has_change_permission(self, request, obj=None):
        return _schedule_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _schedule_editable(request, obj) and super().has_delete_permission(request, obj)


@admin.register(m.HostOrganisation)
class HostOrganisationAdmin(NationalOnlyWrites, TranslationAdmin):
    list_display = ("name", "schedule")


class SpaceForm(forms.ModelForm):
    class Meta:
        model = m.Space
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if not self.errors or "equipment" not in self.errors:
            codes = {e.code for e in data.get("equipment") or []}
            try:
                self.instance.space_type = data.get("space_type")
                self.instance.clean_equipment(codes)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        self.add_error(field, msg)
        return data


class SpaceInline(admin.TabularInline):
    model = m.Space
    form = SpaceForm
    extra = 0
    fields = (
        "name",
        "customer_label",
        "space_type",
        "zone",
        "security_area",
        "capacity",
        "accessible",
        "earmarked_agency",
    )


class ExceptionInline(SiteInlineScoped, admin.TabularInline):
    model = m.OpeningException
    extra = 0


class BusStopInline(SiteInlineScoped, admin.TabularInline):
    model = m.BusStop
    extra = 0


#: What only the national administrator changes on a site: what it is and who serves there.
SITE_NATIONAL_FIELDS = (
    "slug",
    "size",
    "region",
    "host_organisation",
    "agencies_on_site",
    "agencies_remote",
)


@admin.register(m.Site)
class SiteAdmin(SiteScoped, TranslationAdmin):
    site_path = "pk"
    list_display = ("name", "slug", "size", "municipality", "region")
    list_filter = ("size", "region")
    search_fields = ("name", "slug", "municipality")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("agencies_on_site", "agencies_remote")
    inlines = [ExceptionInline, BusStopInline]

    def _site_of(self, obj):
        return obj

    def get_queryset(self, request):
        qs = super(SiteScoped, self).get_queryset(request)
        ids = policy.managed_site_ids(request.user)
        if ids is None or policy.role_of(request.user) == m.Role.AGENCY_ADMIN:
            return qs  # agency administrators read every site (their officials work there)
        return qs.filter(pk__in=sorted(ids))

    def has_view_permission(self, request, obj=None):
        return super(SiteScoped, self).has_view_permission(request, obj)

    def has_add_permission(self, request):
        return policy.can_create_agencies_and_sites(request.user) and super(
            SiteScoped, self
        ).has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return _is_national(request) and super(SiteScoped, self).has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if _is_national(request) else SITE_NATIONAL_FIELDS

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if _is_national(request) else {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "schedule" and not _is_national(request):
            # A site manager picks among the national template and their sites' own schedules.
            ids = sorted(policy.managed_site_ids(request.user) or ())
            kwargs["queryset"] = m.Schedule.objects.filter(
                Q(is_national=True) | Q(site__pk__in=ids) | Q(site__isnull=True)
            ).distinct()
        return super(SiteScoped, self).formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(m.Space)
class SpaceAdmin(SiteScoped, TranslationAdmin):
    form = SpaceForm
    list_display = (
        "name",
        "site",
        "space_type",
        "customer_label",
        "zone",
        "security_area",
        "capacity",
        "accessible",
    )
    list_filter = ("site", "space_type", "zone", "security_area")
    search_fields = ("name", "customer_label")
    filter_horizontal = ("equipment",)


class StaffProfileForm(forms.ModelForm):
    """Refuse a role, agency, service or site outside the editor's grant (``request`` set by
    the admin), whatever the form was sent with."""

    request = None

    class Meta:
        model = m.StaffProfile
        fields = "__all__"

    def clean_role(self):
        role = self.cleaned_data.get("role")
        if self.request is not None and role not in policy.grantable_roles(self.request.user):
            raise ValidationError(_("You may not give this role."))
        return role


@admin.register(m.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ("__str__", "role", "agency", "serves_remotely")
    list_filter = ("role", "agency", "serves_remotely")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("services", "sites")
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        role = policy.role_of(request.user)
        if role == m.Role.ADMIN:
            return qs
        if role == m.Role.AGENCY_ADMIN:
            return qs.filter(agency_id__in=sorted(policy.managed_agency_ids(request.user)))
        if role == m.Role.SITE_MANAGER:
            ids = sorted(policy.managed_site_ids(request.user) or ())
            return qs.filter(sites__pk__in=ids).distinct()
        return qs.none()

    def has_add_permission(self, request):
        return bool(policy.grantable_roles(request.user)) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        allowed = (
            bool(policy.grantable_roles(request.user))
            if obj is None
            else policy.can_manage_staff(request.user, obj)
        )
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            grant = policy.grantable_roles(request.user)
            kwargs["choices"] = [(v, label) for v, label in m.Role.choices if v in grant]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        agencies = policy.managed_agency_ids(request.user)
        if db_field.name == "agency" and agencies is not None:
            kwargs["queryset"] = m.Agency.objects.filter(pk__in=sorted(agencies))
        if db_field.name == "user" and not _is_national(request):
            # Accounts with no profile yet (and no admin rights), or their own agency's.
            kwargs["queryset"] = get_user_model().objects.filter(
                Q(staff_profile__isnull=True, is_staff=False, is_superuser=False)
                | Q(
                    staff_profile__agency_id__in=sorted(agencies or ()),
                    staff_profile__role=m.Role.OFFICIAL,
                )
            )
        if db_field.name == "home_site" and agencies is not None:
            kwargs["queryset"] = _sites_served_by(agencies)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        agencies = policy.managed_agency_ids(request.user)
        if agencies is not None:
            if db_field.name == "services":
                kwargs["queryset"] = m.Service.objects.filter(agency_id__in=sorted(agencies))
            if db_field.name == "sites":
                kwargs["queryset"] = _sites_served_by(agencies)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _sites_served_by(agency_ids):
    ids = sorted(agency_ids)
    return m.Site.objects.filter(
        Q(agencies_on_site__in=ids) | Q(agencies_remote__in=ids)
    ).distinct()


@admin.register(m.Interpreter)
class InterpreterAdmin(NationalOnlyWrites, admin.ModelAdmin):
    list_display = ("name", "languages", "mode")
    filter_horizontal = ("sites",)


@admin.register(m.BusStop)
class BusStopAdmin(SiteScoped, admin.ModelAdmin):
    list_display = ("__str__", "site", "address", "valid_from", "valid_until")
    list_filter = ("site",)


@admin.register(m.OpeningException)
class OpeningExceptionAdmin(SiteScoped, admin.ModelAdmin):
    list_display = ("site", "date", "closed", "opens", "closes", "reason")
    list_filter = ("site",)


User = get_user_model()
#: Fields of an account only the national administrator changes.
USER_NATIONAL_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class ScopedUserAdmin(UserAdmin):
    """Accounts: an agency administrator sees and changes only their agency's officials'
    (and new accounts without a role), never anyone's admin rights."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _is_national(request):
            return qs
        agencies = sorted(policy.managed_agency_ids(request.user) or ())
        return qs.filter(
            Q(staff_profile__isnull=True, is_staff=False, is_superuser=False)
            | Q(staff_profile__agency_id__in=agencies, staff_profile__role=m.Role.OFFICIAL)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if _is_national(request) else (*fields, *USER_NATIONAL_FIELDS)

    def _may(self, request, obj) -> bool:
        if _is_national(request):
            return True
        if policy.role_of(request.user) != m.Role.AGENCY_ADMIN:
            return False
        return obj is None or (
            obj != request.user and self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._may(request, None) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_national(request) and super().has_delete_permission(request, obj)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
