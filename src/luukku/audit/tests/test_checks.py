"""System checks of the retention settings."""

from __future__ import annotations

import pytest

from luukku.audit.checks import retention_check


@pytest.mark.parametrize(
    ("data", "log", "ids"),
    [
        pytest.param(30, 365, [], id="defaults"),
        pytest.param(0, 365, ["luukku.audit.E001"], id="zero-days"),
        pytest.param("30", 365, ["luukku.audit.E001"], id="text"),
        pytest.param(30, True, ["luukku.audit.E001"], id="bool"),
        pytest.param(60, 30, ["luukku.audit.E002"], id="log-shorter-than-data"),
    ],
)
def test_retention_check(settings, data, log, ids):
    settings.LUUKKU_PERSONAL_DATA_RETENTION_DAYS = data
    settings.LUUKKU_AUDIT_RETENTION_DAYS = log
    assert [e.id for e in retention_check()] == ids
