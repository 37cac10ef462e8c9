"""System checks: the pluggable notifier and video provider must import."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

PLUGGABLE_SETTINGS = ("LUUKKU_NOTIFIER", "LUUKKU_VIDEO_PROVIDER")


@checks.register()
def pluggable_paths_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for name in PLUGGABLE_SETTINGS:
        path = getattr(settings, name, None)
        try:
            if not isinstance(path, str):
                raise ImportError(f"{name} is not a dotted path")
            import_string(path)
        except ImportError as exc:
            errors.append(
                checks.Error(
                    f"{name} = {path!r} cannot be imported: {exc}",
                    hint=f"Set {name} to the dotted path of a class, e.g. in settings.py.",
                    id="luukku.E001",
                )
            )
    return errors
