from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "luukku.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from luukku.access import checks  # noqa: F401  (registers the system checks)
