"""``luukku demo-info``: the pages a person would open, and a demo sign-in for each role."""

from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse

from luukku.registry.demo_data import DEMO_PASSWORD, DEMO_USERS
from luukku.registry.selectors import site_list


class Command(BaseCommand):
    help = "Print the demo's addresses and sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        base = f"http://{host}:{port}"
        out = self.stdout.write
        out("")
        out(f"Luukku demo is starting on {base}/")
        out("")
        out("Pages:")
        pages = [
            ("Landing page", "web:landing", {}),
            ("Admin", "admin:index", {}),
            ("Staff start page", "access:start", {}),
            ("Official's desk", "queueing:desk", {}),
            ("Host staff's day", "access:host", {}),
            ("Planner", "planning:planner", {}),
            ("Booking", "booking:search", {}),
            ("API documentation", "api:openapi-view", {}),
            ("API (OpenAPI 3)", "api:openapi-json", {}),
        ]
        for label, name, kw in pages:
            try:
                out(f"  {label:<22} {base}{reverse(name, kwargs=kw)}")
            except NoReverseMatch:
                continue
        for site in site_list():
            for label, name in (("kiosk", "queueing:kiosk"), ("display", "queueing:display")):
                try:
                    page = f"{site.slug} {label}"
                    out(f"  {page:<22} {base}{reverse(name, kwargs={'slug': site.slug})}")
                except NoReverseMatch:
                    pass
        out("")
        out(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for username, role, *_ in DEMO_USERS:
            out(f"  {role:<14} {username}")
        out("  (every agency also has officials such as kela.pori1, vero.pori1, poliisi.eta1)")
        out("  Each role lands on its own page after signing in. The admin's second factor")
        out(
            "  is skipped in the demo (DEBUG on); LUUKKU_ADMIN_OTP=1 turns it on (docs/sign-in.md)."
        )
        out("")
