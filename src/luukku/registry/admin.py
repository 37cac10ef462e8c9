"""Registry admin: every bad input answers with a message on the field it concerns."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from luukku.registry import models as m


@admin.register(m.Equipment)
class EquipmentAdmin(TranslationAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(m.Agency)
class AgencyAdmin(TranslationAdmin):
    list_display = ("code", "name", "on_security_network", "is_municipal")
    search_fields = ("code", "name")


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


@admin.register(m.Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "is_national")
    inlines = [OpeningPeriodInline]


@admin.register(m.HostOrganisation)
class HostOrganisationAdmin(TranslationAdmin):
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


class ExceptionInline(admin.TabularInline):
    model = m.OpeningException
    extra = 0


class BusStopInline(admin.TabularInline):
    model = m.BusStop
    extra = 0


@admin.register(m.Site)
class SiteAdmin(TranslationAdmin):
    list_display = ("name", "slug", "size", "municipality")
    list_filter = ("size",)
    search_fields = ("name", "slug", "municipality")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("agencies_on_site", "agencies_remote")
    inlines = [ExceptionInline, BusStopInline]


@admin.register(m.Space)
class SpaceAdmin(TranslationAdmin):
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


@admin.register(m.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("__str__", "role", "agency", "serves_remotely")
    list_filter = ("role", "agency", "serves_remotely")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("services", "sites")
    autocomplete_fields = ("user",)


@admin.register(m.Interpreter)
class InterpreterAdmin(admin.ModelAdmin):
    list_display = ("name", "languages", "mode")
    filter_horizontal = ("sites",)


@admin.register(m.BusStop)
class BusStopAdmin(admin.ModelAdmin):
    list_display = ("__str__", "site", "address")
    list_filter = ("site",)


@admin.register(m.OpeningException)
class OpeningExceptionAdmin(admin.ModelAdmin):
    list_display = ("site", "date", "closed", "opens", "closes", "reason")
    list_filter = ("site",)
