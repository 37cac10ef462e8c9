"""``luukku seed-demo``: load the Satakunta demo region (idempotent)."""

from django.core.management.base import BaseCommand

from luukku.registry.services import demo_region_seed


class Command(BaseCommand):
    help = "Load the Satakunta demo region: Pori (L), Rauma (M), Kankaanpää library (S) and a bus (XS)."

    def handle(self, *args, **options):
        counts = demo_region_seed()
        counts.pop("national_schedule", None)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
        for hook in (
            "luukku.booking.services",
            "luukku.queueing.services",
            "luukku.advice.services",
        ):
            # Later capabilities add their own demo data (bookings, queue tickets).
            try:
                module = __import__(hook, fromlist=["demo_seed"])
            except ImportError:
                continue
            seed = getattr(module, "demo_seed", None)
            if seed:
                self.stdout.write(str(seed()))
