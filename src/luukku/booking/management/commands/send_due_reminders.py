"""Send the reminders that are due and not yet sent: a fallback sweep for cron.

Safe to run as often as you like: ``send_reminder`` records each reminder and
sends it once. It catches reminders a non-deferring backend could not queue and
any a worker outage left behind.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from luukku.booking.models import Booking
from luukku.booking.tasks import REMINDABLE_STATES, REMINDER, send_reminder


class Command(BaseCommand):
    help = "Send reminders for active bookings starting within the next hours that have none."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="How far ahead to remind (default 24)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the bookings without sending."
        )

    def handle(self, *args, hours: int, dry_run: bool, **options) -> None:
        now = timezone.now()
        due = (
            Booking.objects.filter(
                state__in=REMINDABLE_STATES, start__gt=now, start__lte=now + timedelta(hours=hours)
            )
            .exclude(notifications__kind=REMINDER)
            .order_by("start")
            .values_list("id", "code")
        )
        sent = skipped = 0
        for booking_id, code in due:
            if dry_run:
                self.stdout.write(f"{code} due")
                continue
            # Run in this process: the sweep must work even when no worker is running.
            outcome = send_reminder.call(booking_id, hours)
            if outcome == "sent":
                sent += 1
            else:
                skipped += 1
                self.stdout.write(f"{code} {outcome}")
        if not dry_run:
            self.stdout.write(f"{sent} reminder(s) sent, {skipped} skipped.")
