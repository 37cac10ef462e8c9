from __future__ import annotations

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "luukku.monitoring"
    label = "monitoring"
    default_auto_field = "django.db.models.BigAutoField"
