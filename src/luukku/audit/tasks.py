"""The scheduled retention sweep (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from luukku.audit.retention import personal_data_purge


@task()
def purge_expired_personal_data() -> dict[str, int]:
    """Anonymise personal data past its retention time; delete the audit log past its own."""
    return personal_data_purge().as_dict()
