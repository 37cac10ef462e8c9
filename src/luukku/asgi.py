"""ASGI entry point (used for Server-Sent Events under an ASGI server)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
application = get_asgi_application()
