"""ASGI entry point: the production server (``luukku serve``) runs ``luukku.asgi:application``.

Refuses to start without a secret key when DEBUG is off, and wraps Django in the
access log that redacts tokens (the server's own access log is off). The displays'
event streams are answered in the event loop before Django's handler, by one hub per
process (``luukku.queueing.stream``), so an open display holds no thread.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
django_application = get_asgi_application()

from luukku.queueing.stream import DisplayEvents  # noqa: E402  (needs the settings)
from luukku.web.access import AccessLogMiddleware  # noqa: E402
from luukku.web.checks import refuse_without_secret_key  # noqa: E402

refuse_without_secret_key()
application = AccessLogMiddleware(DisplayEvents(django_application))
