"""The one exception the scheduling core raises for bad input."""

from __future__ import annotations


class SchedulingError(ValueError):
    """Name the offending field so the Django layer can answer with a precise 4xx."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
