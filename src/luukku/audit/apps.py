from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luukku.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from luukku.audit import checks  # noqa: F401 - registers the system checks
        from luukku.audit.changes import register_personal_data_models

        register_personal_data_models()
