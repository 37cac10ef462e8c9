"""Translated model fields (fi, sv, en), as the City of Helsinki's booking services do."""

from modeltranslation.translator import TranslationOptions, register

from luukku.registry.models import Agency, Equipment, HostOrganisation, Service, Site, Space


@register(Agency)
class AgencyTranslation(TranslationOptions):
    fields = ("name",)


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "keywords")


@register(Site)
class SiteTranslation(TranslationOptions):
    fields = ("name", "directions", "accessibility")


@register(Space)
class SpaceTranslation(TranslationOptions):
    fields = ("customer_label",)


@register(Equipment)
class EquipmentTranslation(TranslationOptions):
    fields = ("name",)


@register(HostOrganisation)
class HostOrganisationTranslation(TranslationOptions):
    fields = ("name",)
