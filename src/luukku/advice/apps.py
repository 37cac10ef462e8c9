from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "luukku.advice"
    label = "advice"
    verbose_name = _("Info desk")
    default_auto_field = "django.db.models.BigAutoField"
