"""Translated fields of the info desk (fi, sv, en), as in registry/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from luukku.advice.models import LifeEvent, ServiceGuide


@register(ServiceGuide)
class ServiceGuideTranslation(TranslationOptions):
    fields = ("what_to_bring", "fees", "online_note", "keywords")


@register(LifeEvent)
class LifeEventTranslation(TranslationOptions):
    fields = ("name",)
