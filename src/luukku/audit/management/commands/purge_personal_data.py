"""``luukku purge-personal-data``: the retention sweep, by hand or from cron."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from luukku.audit.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Anonymise visits, tickets and cancel reasons older than "
        "LUUKKU_PERSONAL_DATA_RETENTION_DAYS and delete audit-log entries older than "
        "LUUKKU_AUDIT_RETENTION_DAYS. Safe to run again at any time."
    )

    def handle(self, *args, **options) -> None:
        result = personal_data_purge()
        counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.as_dict().items())
        self.stdout.write(
            f"Retention {settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS} d "
            f"(audit log {settings.LUUKKU_AUDIT_RETENTION_DAYS} d): {counts}."
        )
