"""Info desk admin: an agency's administrator edits its services' knowledge bank; only
the national administrator edits the life events (the access policy decides both)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin

from luukku.access import policy
from luukku.advice.models import LifeEvent, LifeEventStep, ServiceGuide
from luukku.registry.models import Role, Service


@admin.register(ServiceGuide)
class ServiceGuideAdmin(TranslationAdmin):
    list_display = ("service", "online_url")
    list_filter = ("service__agency",)
    search_fields = ("service__name", "service__code")
    # An address typed without a scheme is https:// (Django 6's default; no warning now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("service__agency")
        ids = policy.managed_agency_ids(request.user)
        return qs if ids is None else qs.filter(service__agency__in=sorted(ids))

    def _may(self, request, obj) -> bool:
        if obj is None:
            return policy.managed_agency_ids(request.user) != frozenset()
        return policy.can_manage_agency(request.user, obj.service.agency_id)

    # The policy alone decides (no Django model permissions to keep in step with roles).
    def has_module_permission(self, request):
        return self._may(request, None)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return self._may(request, None)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            ids = policy.managed_agency_ids(request.user)
            qs = Service.objects.select_related("agency")
            kwargs["queryset"] = qs if ids is None else qs.filter(agency__in=sorted(ids))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _is_national(request) -> bool:
    return policy.role_of(request.user) == Role.ADMIN


class NationalOnly:
    """Life events are national: the national administrator reads and writes them."""

    def has_module_permission(self, request):
        return _is_national(request)

    def has_view_permission(self, request, obj=None):
        return _is_national(request)

    def has_add_permission(self, request, *args):
        return _is_national(request)

    def has_change_permission(self, request, obj=None):
        return _is_national(request)

    def has_delete_permission(self, request, obj=None):
        return _is_national(request)


class LifeEventStepInline(NationalOnly, admin.TabularInline):
    model = LifeEventStep
    extra = 1
    ordering = ("position",)
    fields = ("position", "service")


@admin.register(LifeEvent)
class LifeEventAdmin(NationalOnly, TranslationAdmin):
    list_display = ("name", "code", "position")
    list_editable = ("position",)
    inlines = (LifeEventStepInline,)
