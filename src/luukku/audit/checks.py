"""System checks: the retention periods must be whole days, the log kept longer than the data."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register()
def retention_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    data = getattr(settings, "LUUKKU_PERSONAL_DATA_RETENTION_DAYS", None)
    log = getattr(settings, "LUUKKU_AUDIT_RETENTION_DAYS", None)
    for name, value in (
        ("LUUKKU_PERSONAL_DATA_RETENTION_DAYS", data),
        ("LUUKKU_AUDIT_RETENTION_DAYS", log),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(
                checks.Error(
                    f"{name} = {value!r} is not a whole number of days (1 or more).",
                    hint=f"Set {name} to e.g. 30 (environment or settings.py).",
                    id="luukku.audit.E001",
                )
            )
    if not errors and log < data:
        errors.append(
            checks.Error(
                f"The audit log ({log} days) would be deleted before the personal data "
                f"it records access to ({data} days).",
                hint="Keep LUUKKU_AUDIT_RETENTION_DAYS at least LUUKKU_PERSONAL_DATA_RETENTION_DAYS.",
                id="luukku.audit.E002",
            )
        )
    return errors
