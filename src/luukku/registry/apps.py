from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "luukku.registry"
    label = "registry"
    verbose_name = _("Registry: agencies, services and service points")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from luukku.registry import signals

        signals.connect()
