"""How Luukku reaches a customer: a notifier sends a plain-text :class:`Message`.

The installation picks one with the ``LUUKKU_NOTIFIER`` setting (a dotted path).
``ConsoleNotifier`` is for development, ``EmailNotifier`` uses Django's mail
backend, and ``CompositeNotifier`` sends e-mail and SMS to whichever contact the
customer gave. An SMS gateway plugs in by subclassing :class:`SmsNotifier`.

A message carries its delivery's ``key``: the same message sent again (a worker
that crashed after handing it over) has the same key, so a gateway that takes an
idempotency key can drop the repeat. Nothing here prints or logs a name, a phone
number, an e-mail address or a manage-link token: the console shows a redacted
summary, and the example SMS gateway logs only that a text went out.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger("luukku.notify")


#: What a log may not show of a body: e-mail addresses and phone-number-like runs.
_EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+")
_PHONE_RE = re.compile(r"\+?\d[\d\s-]{6,}\d")
REDACTED = "[…]"


@dataclass(frozen=True)
class Message:
    to_phone: str
    to_email: str
    subject: str
    body: str
    language: str
    #: The delivery's key: the same for every attempt at this one message.
    key: str = ""
    #: Secrets in the body (a manage-link token) that no log may show.
    redact: tuple[str, ...] = ()
    #: Files for e-mail only, as (name, content, MIME type): the booking code's QR code.
    attachments: tuple[tuple[str, bytes, str], ...] = ()

    def keyed(self, key: str, *, redact: tuple[str, ...] = ()) -> Message:
        return replace(self, key=key, redact=redact)

    def redacted_body(self) -> str:
        """The body with its secrets, e-mail addresses and phone numbers blanked out."""
        body = self.body
        for secret in self.redact:
            if secret:
                body = body.replace(secret, REDACTED)
        return _PHONE_RE.sub(REDACTED, _EMAIL_RE.sub(REDACTED, body))

    def summary(self) -> str:
        """Who (by channel only), what and which message: safe for a log."""
        channels = "+".join(
            c for c, to in (("e-mail", self.to_email), ("SMS", self.to_phone)) if to
        )
        return f"message {self.key or '-'} by {channels or 'no channel'} [{self.language}]"


class Notifier(ABC):
    @abstractmethod
    def send(self, message: Message) -> None:
        """Deliver the message, or raise if it could not be handed over."""


class ConsoleNotifier(Notifier):
    """Log and print a redacted message; for development, so it never raises.

    No address, phone number or token: the demo's customer sees the manage link on
    the page right after booking, and the message shows where it would be.
    """

    def send(self, message: Message) -> None:
        text = f"{message.summary()}\nSubject: {message.subject}\n\n{message.redacted_body()}\n"
        try:
            logger.info("%s", message.summary())
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
        headers = {}
        if message.key:
            # One Message-ID per message, the same on a repeat: mail systems can drop it.
            digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
            domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "luukku.invalid"
            headers["Message-ID"] = f"<{digest}@{domain}>"
        EmailMessage(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.to_email],
            headers=headers,
            attachments=list(message.attachments),
        ).send(fail_silently=False)


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
        logger.info("SMS of %d characters handed over", len(text))


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
