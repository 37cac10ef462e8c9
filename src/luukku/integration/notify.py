"""How Luukku reaches a customer: a notifier sends a plain-text :class:`Message`.

The installation picks one with the ``LUUKKU_NOTIFIER`` setting (a dotted path).
``ConsoleNotifier`` is for development, ``EmailNotifier`` uses Django's mail
backend, and ``CompositeNotifier`` sends e-mail and SMS to whichever contact the
customer gave. An SMS gateway plugs in by subclassing :class:`SmsNotifier`.
"""

from __future__ import annotations

import logging
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("luukku.notify")


@dataclass(frozen=True)
class Message:
    to_phone: str
    to_email: str
    subject: str
    body: str
    language: str


class Notifier(ABC):
    @abstractmethod
    def send(self, message: Message) -> None:
        """Deliver the message, or raise if it could not be handed over."""


class ConsoleNotifier(Notifier):
    """Log the message and print it; for development, so it never raises."""

    def send(self, message: Message) -> None:
        text = (
            f"To: {message.to_email or '-'} / {message.to_phone or '-'} [{message.language}]\n"
            f"Subject: {message.subject}\n\n{message.body}\n"
        )
        try:
            logger.info("%s", text)
            stream = sys.stdout
            encoding = getattr(stream, "encoding", None) or "utf-8"
            # A console that cannot show "ä" gets a replacement character, not an error.
            stream.write(text.encode(encoding, errors="replace").decode(encoding) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - a development notifier must not break a booking
            logger.exception("console notifier failed")


class EmailNotifier(Notifier):
    """Send through Django's e-mail backend; a message without an address is skipped."""

    def send(self, message: Message) -> None:
        if not message.to_email:
            return
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.to_email],
            fail_silently=False,
        )


class SmsNotifier(Notifier, ABC):
    """Base for an SMS gateway: implement :meth:`send_sms`."""

    def send(self, message: Message) -> None:
        if not message.to_phone:
            return
        self.send_sms(message.to_phone, message.body)

    @abstractmethod
    def send_sms(self, phone: str, text: str) -> None:
        """Hand one text message to the gateway."""


class LoggingSmsNotifier(SmsNotifier):
    """An example gateway that only logs; replace it with the operator's API client."""

    def send_sms(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class CompositeNotifier(Notifier):
    """E-mail when the customer gave an address, SMS when they gave a phone number."""

    def __init__(self, email: Notifier | None = None, sms: SmsNotifier | None = None) -> None:
        self.email = email or EmailNotifier()
        self.sms = sms or LoggingSmsNotifier()

    def send(self, message: Message) -> None:
        if message.to_email:
            self.email.send(message)
        if message.to_phone:
            self.sms.send(message)


def get_notifier() -> Notifier:
    """The notifier named by ``LUUKKU_NOTIFIER``, freshly built."""
    return import_string(settings.LUUKKU_NOTIFIER)()
