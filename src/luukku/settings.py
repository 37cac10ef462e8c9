"""Django settings for Luukku.

One settings module for demo, development, tests and production; the environment
chooses. ``DATABASE_URL`` picks the database (an embedded SQLite file under
``var/`` when unset), ``LUUKKU_SECRET_KEY`` and ``LUUKKU_DEBUG`` the rest.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("LUUKKU_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("LUUKKU_VAR", PROJECT_DIR / "var"))


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


# Safe by default: DEBUG only when asked for (`make demo` asks). With DEBUG off and no
# LUUKKU_SECRET_KEY every entry point refuses to start: the system check luukku.E010
# (runserver, migrate, db_worker, `luukku serve`), asgi.py and wsgi.py. The key made up
# meanwhile only lets code that starts no server (the test run) import the settings.
DEBUG = _env_flag("LUUKKU_DEBUG", False)
LUUKKU_SECRET_KEY_MISSING = not DEBUG and not os.environ.get("LUUKKU_SECRET_KEY")
SECRET_KEY = os.environ.get("LUUKKU_SECRET_KEY") or (
    "insecure-demo-key-only-with-luukku-debug-on-0123456789" if DEBUG else secrets.token_urlsafe(50)
)

# The address customers reach the service at: links in messages and calendar files,
# the default allowed host and trusted origin, and whether the site runs on HTTPS.
LUUKKU_PUBLIC_URL = os.environ.get("LUUKKU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(LUUKKU_PUBLIC_URL)
ALLOWED_HOSTS = _env_list(
    "LUUKKU_ALLOWED_HOSTS",
    ",".join(dict.fromkeys([_public.hostname or "", "127.0.0.1", "localhost"])),
)
CSRF_TRUSTED_ORIGINS = _env_list(
    "LUUKKU_CSRF_TRUSTED_ORIGINS", f"{_public.scheme}://{_public.netloc}"
)
# HTTPS settings follow the public address; each can be set on its own.
_https = _env_flag("LUUKKU_HTTPS", _public.scheme == "https")
SESSION_COOKIE_SECURE = _env_flag("LUUKKU_SECURE_COOKIES", _https)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = _env_flag("LUUKKU_SSL_REDIRECT", _https)
# A load balancer's health checks speak plain HTTP to the process.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("LUUKKU_HSTS_SECONDS", 31_536_000 if _https else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("LUUKKU_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("LUUKKU_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS: the header it sets, e.g. X-Forwarded-Proto.
# Only set it when the proxy always sets (or strips) that header.
if os.environ.get("LUUKKU_PROXY_SSL_HEADER"):
    _header = os.environ["LUUKKU_PROXY_SSL_HEADER"].upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (
        _header if _header.startswith("HTTP_") else f"HTTP_{_header}",
        "https",
    )


INSTALLED_APPS = [
    # modeltranslation must come before the admin so that it can patch it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja's own Swagger UI files, so that the API docs work offline.
    "ninja",
    "django_tasks",
    # Before django_tasks_db, so that its crash-safe `db_worker` replaces the stock one.
    "luukku.integration",
    "django_tasks_db",
    "luukku.registry",
    "luukku.booking",
    "luukku.queueing",
    "luukku.planning",
    "luukku.advice",
    "luukku.web",
    # The audit log: django-auditlog's change records, read events, retention (luukku.audit).
    "auditlog",
    "luukku.audit",
    # Staff sign-in and roles (luukku.access): TOTP second factor, lock-out after failures.
    "luukku.access",
    # Daily aggregates and reports (luukku.monitoring).
    "luukku.monitoring",
    # Customers' anonymous feedback after a visit (luukku.feedback).
    "luukku.feedback",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the security headers, before sessions and locale.
    "luukku.web.static.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for control characters and unreadable bodies, before any view (web/middleware.py).
    "luukku.web.middleware.InputGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, and from where, for django-auditlog's change records.
    "auditlog.middleware.AuditlogMiddleware",
    # request.user.is_verified() for the second factor, then the role × endpoint rules.
    "django_otp.middleware.OTPMiddleware",
    "luukku.access.middleware.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 429 for a client asking too often for search, booking, kiosk ticket, sign-in.
    "luukku.web.middleware.RateLimitMiddleware",
    # Lock-out after repeated failed sign-ins (django-axes wants to be last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luukku.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "luukku.wsgi.application"


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60)
        if db["ENGINE"].endswith("postgresql") and _env_flag("LUUKKU_DB_POOL", False):
            # Under ASGI every request runs its synchronous part in a thread of its
            # own, so persistent per-thread connections would pile up: a pool per
            # server process instead (`luukku serve` turns it on; psycopg-pool).
            db["CONN_MAX_AGE"] = 0
            db.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": int(os.environ.get("LUUKKU_DB_POOL_SIZE", "10")),
                "timeout": 10,
            }
        if db["ENGINE"].endswith("postgresql") and _env_flag("LUUKKU_PGBOUNCER", False):
            # Behind PgBouncer in transaction mode no cursor may outlive its transaction
            # (docs/deploy.md); Django binds parameters client-side, so nothing is prepared.
            db["DISABLE_SERVER_SIDE_CURSORS"] = True
        if db["ENGINE"].endswith("postgresql"):
            db.setdefault("TEST", {})["NAME"] = os.environ.get(
                "LUUKKU_TEST_DB", f"test_luukku_{os.getpid()}"
            )
        return db
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "luukku.db.sqlite3",  # the stock backend + a writer queue (its docstring)
        "NAME": os.environ.get("LUUKKU_SQLITE", str(VAR_DIR / "luukku.sqlite3")),
        "OPTIONS": {
            # BEGIN IMMEDIATE takes the write lock at the start of every atomic
            # block: writes are serialized, so two requests can never both see a
            # slot as free and both take it.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        # A file, not shared-cache memory, so that concurrency tests see real SQLite locking.
        "TEST": {
            # One file per test run, so that parallel runs never share it.
            "NAME": os.environ.get(
                "LUUKKU_SQLITE_TEST", str(VAR_DIR / f"test-luukku-{os.getpid()}.sqlite3")
            )
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi", "en", "sv")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("LUUKKU_STATIC_ROOT", VAR_DIR / "static"))
# Hashed, compressed names where collectstatic ran (`luukku serve` sets this); elsewhere
# (runserver, tests) the plain storage, so that a new file needs no collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _env_flag("LUUKKU_STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without the manifest, WhiteNoise looks each /static/ address up where runserver
# would, when asked (no scan of every file per test client); with it, it reads the
# collected files once per process and serves them with far-future cache headers.
WHITENOISE_USE_FINDERS = not _env_flag("LUUKKU_STATIC_MANIFEST", False)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

LOGIN_URL = "/accounts/login/"
# Each role lands on its own start page (luukku.access.policy.start_url).
LOGIN_REDIRECT_URL = "/staff/start/"

# Sign-in (docs/sign-in.md). OpenID Connect is off unless LUUKKU_OIDC_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = os.environ.get("LUUKKU_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("LUUKKU_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("LUUKKU_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("LUUKKU_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("LUUKKU_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("LUUKKU_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("LUUKKU_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
LUUKKU_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in first
    *(["luukku.access.oidc.StaffOIDCBackend"] if LUUKKU_OIDC_ENABLED else []),
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures for one username from one address lock that pair out for 15 minutes;
# a success resets the count. Tests never share a pair across tests (each rolls back).
AXES_ENABLED = os.environ.get("LUUKKU_AXES", "1") == "1"
AXES_FAILURE_LIMIT = int(os.environ.get("LUUKKU_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("LUUKKU_AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "access/locked.html"
AXES_VERBOSE = False  # its log lines would name the username and the address
# A second factor (TOTP) for the admin roles before any admin page. It may be off only
# with DEBUG on (the demo): the deploy check luukku.access.E001 refuses it otherwise.
LUUKKU_ADMIN_OTP = os.environ.get("LUUKKU_ADMIN_OTP", "0" if DEBUG else "1") == "1"
# An administrator without a device may enrol one on the verify page (the demo only).
LUUKKU_OTP_SELF_ENROL = os.environ.get("LUUKKU_OTP_SELF_ENROL", "1" if DEBUG else "0") == "1"
OTP_TOTP_ISSUER = "Luukku"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("LUUKKU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The worker (integration/worker.py): a heartbeat every so many seconds; a worker
# silent for LUUKKU_WORKER_STALE_SECONDS is taken for dead and its running tasks run again.
LUUKKU_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("LUUKKU_WORKER_HEARTBEAT_SECONDS", 10))
LUUKKU_WORKER_STALE_SECONDS = float(os.environ.get("LUUKKU_WORKER_STALE_SECONDS", 60))
# Periodic tasks the worker enqueues itself, each period once across all workers:
# the reminders not sent on time, and messages whose sending failed.
LUUKKU_SCHEDULE = {
    "reminder-sweep": {
        "task": "luukku.booking.tasks.sweep_deliveries",
        "every": float(os.environ.get("LUUKKU_REMINDER_SWEEP_SECONDS", 300)),
    },
    # Retention (luukku.audit.retention): personal data past its time, old audit entries.
    "personal-data-purge": {
        "task": "luukku.audit.tasks.purge_expired_personal_data",
        "every": float(os.environ.get("LUUKKU_RETENTION_SWEEP_SECONDS", 3600)),
    },
    # Daily aggregates (luukku.monitoring): recompute yesterday (idempotent), hourly so
    # that the first run after midnight makes it, and late changes are picked up.
    "daily-aggregates": {
        "task": "luukku.monitoring.tasks.aggregate_yesterday",
        "every": float(os.environ.get("LUUKKU_AGGREGATE_SECONDS", 3600)),
    },
}

EMAIL_BACKEND = os.environ.get(
    "LUUKKU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = "luukku@example.invalid"

# The accessibility statement (/accessibility/, Act 306/2019): where feedback on
# accessibility goes, and when the statement was last reviewed. Set both per deployment.
LUUKKU_ACCESSIBILITY_FEEDBACK_EMAIL = os.environ.get(
    "LUUKKU_ACCESSIBILITY_FEEDBACK_EMAIL", "saavutettavuus@example.invalid"
)
LUUKKU_ACCESSIBILITY_STATEMENT_DATE = os.environ.get(
    "LUUKKU_ACCESSIBILITY_STATEMENT_DATE", "2026-12-02"
)

# Pluggable pieces: dotted paths, replaceable per installation.
LUUKKU_NOTIFIER = os.environ.get("LUUKKU_NOTIFIER", "luukku.integration.notify.ConsoleNotifier")
LUUKKU_VIDEO_PROVIDER = "luukku.integration.video.UrlTemplateVideoProvider"
LUUKKU_VIDEO_URL_TEMPLATE = os.environ.get(
    "LUUKKU_VIDEO_URL_TEMPLATE", "https://video.example.invalid/luukku/{room}"
)
# Assumption, to be replaced by each point's policy: minutes between bookings of one resource.
LUUKKU_BUFFER_MINUTES = 5
LUUKKU_CHAIN_MAX_GAP_MINUTES = 30
LUUKKU_CHECKIN_EARLY_MINUTES = 30
#: An "I need help" press nobody on site has taken after this long reaches every
#: advisor, who can answer by video (an S point's host may be busy or away).
LUUKKU_HELP_ESCALATE_SECONDS = int(os.environ.get("LUUKKU_HELP_ESCALATE_SECONDS", "120"))
LUUKKU_CHECKIN_LATE_MINUTES = 10
LUUKKU_NO_SHOW_AFTER_RECALLS = 2
# Retention (luukku.audit.retention): a visit's name and contact, its tickets' phone
# numbers and staff's cancel reasons are cleared this many days after the visit (or
# after a cancellation); the audit log of who saw personal data is kept longer.
LUUKKU_PERSONAL_DATA_RETENTION_DAYS = int(
    os.environ.get("LUUKKU_PERSONAL_DATA_RETENTION_DAYS", "30")
)
LUUKKU_AUDIT_RETENTION_DAYS = int(os.environ.get("LUUKKU_AUDIT_RETENTION_DAYS", "365"))
# The kiosk gives walk-in numbers only while the point is open (its hours, exceptions,
# holidays; the bus at a stop). Off ("0") for load tests run at any hour.
LUUKKU_KIOSK_OPENING_HOURS = os.environ.get("LUUKKU_KIOSK_OPENING_HOURS", "1") == "1"

# One line of JSON per record in production (LUUKKU_LOG_FORMAT=text for people); both
# formats redact manage-link and ticket tokens from paths. The access log
# (luukku.access, asgi.py) names method, redacted path, status and duration only.
LUUKKU_LOG_FORMAT = os.environ.get("LUUKKU_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "luukku.web.logs.JsonFormatter"},
        "text": {
            "()": "luukku.web.logs.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LUUKKU_LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LUUKKU_LOG_LEVEL", "WARNING")},
    "loggers": {
        "luukku.access": {
            "handlers": ["console"],
            "level": "INFO" if _env_flag("LUUKKU_ACCESS_LOG", not DEBUG) else "WARNING",
            "propagate": False,
        },
        # Django's own request logger names the path of every 404 and 500.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}


# -- abuse limits and security headers (issue 14 items 5 and 7) ---------------------
# The database cache: rate-limit counts are shared by every server process.
# `luukku migrate` creates its table (web/migrations/0001_cache_table.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "luukku_cache",
    }
}
# Requests per client (django-ratelimit's "N/s|m|h|d"); empty or absent = no limit.
# Loose enough for a person, a busy kiosk and the demo; tight enough to stop a script.
LUUKKU_RATE_LIMITS = {
    "search": os.environ.get("LUUKKU_RATE_SEARCH", "120/m"),
    "booking": os.environ.get("LUUKKU_RATE_BOOKING", "30/h"),
    "ticket": os.environ.get("LUUKKU_RATE_TICKET", "30/m"),
    "sign-in": os.environ.get("LUUKKU_RATE_SIGN_IN", "20/m"),
}
RATELIMIT_ENABLE = os.environ.get("LUUKKU_RATE_LIMITS_ON", "1") != "0"
RATELIMIT_USE_CACHE = "default"
# The request header that names the client behind a trusted proxy, e.g.
# HTTP_X_FORWARDED_FOR (only if the proxy always sets it); default the peer address.
LUUKKU_CLIENT_IP_HEADER = os.environ.get("LUUKKU_CLIENT_IP_HEADER", "REMOTE_ADDR")
# Open (future, not cancelled) bookings one contact (phone or e-mail) may hold per agency.
LUUKKU_MAX_OPEN_BOOKINGS_PER_CONTACT = int(os.environ.get("LUUKKU_MAX_OPEN_BOOKINGS", "3"))
# Times are offered and booked at most this many days ahead (the published horizon).
LUUKKU_BOOKING_HORIZON_DAYS = int(os.environ.get("LUUKKU_BOOKING_HORIZON_DAYS", "90"))

# Content-Security-Policy (django-csp): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
