from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import override_settings

from luukku.integration.checks import pluggable_paths_check
from luukku.integration.notify import (
    CompositeNotifier,
    ConsoleNotifier,
    EmailNotifier,
    LoggingSmsNotifier,
    Message,
    get_notifier,
)


def _message(**changes) -> Message:
    fields = {
        "to_phone": "+358401234567",
        "to_email": "asiakas@example.invalid",
        "subject": "Varaus vahvistettu",
        "body": "Käyntisi ma 30.11.2026 klo 9.15",
        "language": "fi",
    }
    return Message(**(fields | changes))


class RecordingSms(LoggingSmsNotifier):
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send_sms(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def test_notify__email__goes_to_the_outbox():
    EmailNotifier().send(_message())
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["asiakas@example.invalid"]
    assert sent.subject == "Varaus vahvistettu"
    assert "klo 9.15" in sent.body


def test_notify__email__without_address_sends_nothing():
    EmailNotifier().send(_message(to_email=""))
    assert mail.outbox == []


def test_notify__console__logs_a_summary_and_prints_the_message(caplog, capsys):
    with caplog.at_level(logging.INFO, logger="luukku.notify"):
        ConsoleNotifier().send(_message(key="confirmation:1:ab"))
    assert "confirmation:1:ab" in caplog.text
    out = capsys.readouterr().out
    assert "Varaus vahvistettu" in out and "Käyntisi" in out


def test_notify__console__never_shows_contact_details_or_the_token(caplog, capsys):
    token = "Tq0aX3e-VbU9_kLm2Np4Rs6Tu8Vw0Xy1"
    message = _message(
        body=f"Peru tai siirrä: https://luukku.example/book/manage/{token}/\n"
        "Soita +358 40 123 4567 tai kirjoita muu@example.invalid",
        redact=(token,),
    )
    with caplog.at_level(logging.DEBUG):
        ConsoleNotifier().send(message)
    shown = capsys.readouterr().out + caplog.text
    for secret in (token, "+358401234567", "asiakas@example.invalid", "123 4567", "muu@example"):
        assert secret not in shown
    assert "https://luukku.example/book/manage/" in shown  # where the link would be


def test_notify__email__carries_the_message_key_as_its_message_id():
    EmailNotifier().send(_message(key="reminder:7:1700000000"))
    EmailNotifier().send(_message(key="reminder:7:1700000000"))
    first, again = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first == again


def test_notify__console__never_raises(monkeypatch):
    class Broken:
        encoding = "utf-8"

        def write(self, text):
            raise OSError("closed")

    monkeypatch.setattr("sys.stdout", Broken())
    ConsoleNotifier().send(_message())


def test_notify__sms__logging_example_logs_neither_number_nor_text(caplog):
    with caplog.at_level(logging.INFO, logger="luukku.notify"):
        LoggingSmsNotifier().send(_message())
    assert "SMS" in caplog.text
    assert "+358401234567" not in caplog.text and "Käyntisi" not in caplog.text


def test_notify__composite__uses_each_contact_given():
    sms = RecordingSms()
    notifier = CompositeNotifier(sms=sms)
    notifier.send(_message())
    notifier.send(_message(to_phone=""))
    notifier.send(_message(to_email=""))
    assert len(mail.outbox) == 2
    assert [phone for phone, _ in sms.sent] == ["+358401234567", "+358401234567"]


@pytest.mark.parametrize(
    "path, cls",
    [
        ("luukku.integration.notify.ConsoleNotifier", ConsoleNotifier),
        ("luukku.integration.notify.CompositeNotifier", CompositeNotifier),
    ],
)
def test_notify__get_notifier__builds_the_configured_class(settings, path, cls):
    settings.LUUKKU_NOTIFIER = path
    assert isinstance(get_notifier(), cls)


def test_check__configured_paths__pass():
    assert pluggable_paths_check() == []


@pytest.mark.parametrize("setting", ["LUUKKU_NOTIFIER", "LUUKKU_VIDEO_PROVIDER"])
def test_check__bad_path__is_error_e001(setting):
    with override_settings(**{setting: "luukku.integration.nowhere.Missing"}):
        errors = pluggable_paths_check()
    assert [e.id for e in errors] == ["luukku.E001"]
    assert setting in errors[0].msg


def test_check__is_registered_with_django():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with override_settings(LUUKKU_NOTIFIER="no.such.Notifier"):
        with pytest.raises(SystemCheckError, match="luukku.E001"):
            call_command("check")
