"""Send the reminders that are due and not yet sent, and retry failed messages, now.

The worker runs the same sweep by itself every ``LUUKKU_REMINDER_SWEEP_SECONDS``
(``LUUKKU_SCHEDULE``); this command is for running it by hand or from cron on an
installation without a worker. Safe to run as often as you like and beside the
worker: every message is a delivery with a unique key, sent once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from luukku.booking.models import Booking
from luukku.booking.tasks import REMINDABLE_STATES, sweep


class Command(BaseCommand):
    help = "Send due reminders not yet sent and retry messages whose sending failed."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="How far ahead to remind (default 24)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the bookings due without sending."
        )

    def handle(self, *args, hours: int, dry_run: bool, **options) -> None:
        if dry_run:
            now = timezone.now()
            due = Booking.objects.filter(
                state__in=REMINDABLE_STATES, start__gt=now, start__lte=now + timedelta(hours=hours)
            ).order_by("start")
            for code in due.values_list("code", flat=True):
                self.stdout.write(f"{code} due")
            return
        # Run in this process: the sweep must work even when no worker is running.
        counts = sweep(f"sweep-{secrets.token_hex(8)}", hours=hours)
        self.stdout.write(
            "{sent} message(s) sent, {skipped} skipped, {failed} failed, {given_up} given up.".format(
                **counts
            )
        )
