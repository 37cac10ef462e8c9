from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "luukku.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from luukku.registry import signals

        signals.connect()
