"""WSGI entry point (``luukku serve`` uses ASGI; this is for WSGI-only hosts)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
application = get_wsgi_application()

from luukku.web.checks import refuse_without_secret_key  # noqa: E402  (needs the settings)

refuse_without_secret_key()
