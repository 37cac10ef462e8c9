"""The refusal every queueing service raises."""

from __future__ import annotations


class QueueError(Exception):
    """A refused queue action: the field at fault, a message for people, an HTTP status."""

    def __init__(self, field: str, message: str, status: int = 409):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status
