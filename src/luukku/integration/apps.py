from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "luukku.integration"
    label = "integration"
    default_auto_field = "django.db.models.BigAutoField"
