"""CARES Kids settings, read from the environment (django-environ).

With nothing set, the application runs on embedded defaults: SQLite and a filesystem Celery
broker under ``var/``, console e-mail. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to
PostgreSQL and Redis. ``SECRET_KEY`` is required unless ``DEBUG`` is on.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from cares.deploy.loopback import loopback_trial

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CARES_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# "production" turns on the guards that refuse an unsafe deployment (TLS to PostgreSQL and
# Redis, HTTPS only, no DEBUG). Anything else is a development or test machine.
CARES_ENV = env.str("CARES_ENV", default="development")
PRODUCTION = CARES_ENV == "production"
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when CARES_ENV=production.")
# CARES_LOOPBACK_TRIAL=1: production on one machine without TLS (`make serve` for a trial).
# Relaxes only TLS to PostgreSQL, Redis and SMTP and the HTTPS redirect, with a loud warning;
# refused unless the web bind, the database, Redis and SMTP are all on loopback.
LOOPBACK_TRIAL = PRODUCTION and loopback_trial(env.ENVIRON)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for a local demo)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cares.apps.CaresAdminConfig",  # django.contrib.admin with the audited site (cares.admin)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_celery_beat",
    "cares.base.staff",
    "cares.base.audit",
    "cares.base.documents",
    "cares.base.ops",
    "cares.deadlines",
    "cares.program.dashboards",
    "cares.program.interchange",
    "cares.program.quality",
    "cares.program.fhir",
    "cares.program.demo",
    "members",
    "careplans",
    "notices",
]

MIDDLEWARE = [
    # First: every request gets an id (X-Request-ID) and one log line, redirects included.
    "cares.base.ops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cares.base.audit.middleware.AuditContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cares.base.sessions.IdleTimeoutMiddleware",
    # Two-factor: a signed-in user must pass TOTP before any page (admin included).
    "cares.base.signin.OTPRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cares.base.security.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cares.urls"
WSGI_APPLICATION = "cares.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cares.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default (`make run`: web, worker and beat on one file). Write-ahead
    # logging lets pages read while the worker or the nightly sweep writes (a rollback
    # journal locks readers out once a long write spills to disk), and a commit syncs one
    # file instead of three. Synchronous stays FULL: a commit is on disk when it returns.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL")
if PRODUCTION:
    _db = DATABASES["default"]
    if "postgresql" not in _db["ENGINE"]:
        raise ImproperlyConfigured("Production runs on PostgreSQL (set DATABASE_URL).")
    # "require" encrypts but accepts any certificate: the server must be verified too.
    if not LOOPBACK_TRIAL and _db.get("OPTIONS", {}).get("sslmode") not in (
            "verify-ca", "verify-full"):
        raise ImproperlyConfigured(
            "Production needs TLS to PostgreSQL with a verified certificate: add "
            "?sslmode=verify-full to DATABASE_URL.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle sign-out (45 CFR 164.312(a)(2)(iii) automatic logoff).
IDLE_TIMEOUT_SECONDS = env.int("IDLE_TIMEOUT_SECONDS", default=15 * 60)
SESSION_COOKIE_AGE = IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Transmission security (45 CFR 164.312(e)): HTTPS only, with HSTS, outside development.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION and not LOOPBACK_TRIAL)
# Load balancers probe the health endpoints over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^health/(live|ready)$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): same-origin only, a nonce for any inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# django-otp: TOTP codes; wrong codes are throttled (1 s, 2 s, 4 s, ... per failure).
OTP_TOTP_ISSUER = "CARES Kids"
OTP_TOTP_THROTTLE_FACTOR = 1

# django-axes: lock an account (per user name and address) after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (it holds the e-mail)
AXES_USERNAME_CALLABLE = "cares.base.sessions.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "cares" / "locale"]  # the translation catalogs

# --- Static files (vendored, served by whitenoise; no CDN) ------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents with PHI: outside MEDIA_URL, served only through an access-checked view.
    "private": {
        "BACKEND": "cares.base.documents.storage.PrivateStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploads: a file over 2.5 MB goes to a private temporary file while the request is parsed,
# never whole into memory; forms then read it in chunks up to their own limit
# (cares.base.documents.uploads). Form fields other than files: 2.5 MB in all.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "uploads"
FILE_UPLOAD_TEMP_DIR.mkdir(exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = environ.Env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://")
vars().update(EMAIL_CONFIG)
# Every e-mail (break-glass notices to the director among them) leaves over verified TLS in
# production: never the console (stdout, i.e. the logs), a file, or plain SMTP.
if PRODUCTION and not LOOPBACK_TRIAL and not (
        EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.smtp.EmailBackend"
        and (EMAIL_CONFIG.get("EMAIL_USE_TLS") or EMAIL_CONFIG.get("EMAIL_USE_SSL"))):
    raise ImproperlyConfigured(
        "Production sends e-mail only over TLS: set EMAIL_URL=smtp+tls://user:password@host:587 "
        "(or smtp+ssl://).")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cares@localhost")
# A stuck SMTP server must not hold a worker until the task's time limit: give up (and retry).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Celery ---------------------------------------------------------------------------------
# Delivery is at least once: a task's message is acknowledged only after the task ran, so a
# worker that dies mid-task leaves it to be redelivered; every task is idempotent
# (cares.base.toolkit.task). Two queues, so that a batch of letters never delays reminders:
# "celery" (the default) and "pdf" (rendering). `make run` consumes both with one worker; the
# production profile (cares/deploy/Procfile.production) runs a worker per queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"  # Celery's own name: messages queued before stay valid
CARES_PDF_QUEUE = "pdf"
# Routed by task name, so nothing here imports the floors below (names never change: beat's
# schedule rows hold them). Every other task (deadlines, reminders, e-mails, drafts, pings,
# beat's heartbeat) goes to the default queue.
CELERY_TASK_ROUTES = {name: {"queue": CARES_PDF_QUEUE} for name in (
    "notices.render_letters",         # draft PDFs, in chunks of notices.queue.CHUNK_SIZE
    "notices.dispatch_letter",        # a released letter's final PDF
    "notices.mailing_batch",          # the day's certified letters merged, carrier sheets
    "quality.make_record_packet",     # a member's record packet
)}
# Each PDF document is rendered in a child process killed after this many seconds.
CARES_PDF_TIMEOUT_SECONDS = env.int("PDF_TIMEOUT_SECONDS", default=30)
_LETTER_CHUNK = 10  # notices.queue.CHUNK_SIZE (tests/ops/test_serve.py holds them equal)
_PACKET_RENDER_SECONDS = 120  # quality.packets.build.RENDER_TIMEOUT_SECONDS (ditto)
# Time limits, (soft, hard) seconds: at the soft limit the task gets SoftTimeLimitExceeded (it
# rolls back and fails, the PDF child is killed); at the hard limit its process is killed and
# replaced. A task that failed or timed out is acknowledged, never redelivered in a loop
# (task_acks_on_failure_or_timeout, Celery's default); its retries are the toolkit's policy.
_TIME_LIMITS = {
    # Each letter of a chunk may take the whole PDF limit, plus the database work.
    "notices.render_letters": _LETTER_CHUNK * CARES_PDF_TIMEOUT_SECONDS + 60,
    "notices.dispatch_letter": CARES_PDF_TIMEOUT_SECONDS + 60,
    "notices.mailing_batch": 2 * CARES_PDF_TIMEOUT_SECONDS + 240,
    # Under the packet's stale-claim time (15 minutes), so a live claim is never taken over.
    "quality.make_record_packet": _PACKET_RENDER_SECONDS + 180,
    # The nightly sweep: 96 s for 20,000 members measured (README, Benchmarks); 18x that.
    "cares.refresh_deadlines": 1800,
}
_DEFAULT_SOFT_LIMIT = 600  # any other task: e-mails, reminders, drafts, pings
_GRACE = 30  # between the soft and the hard limit, to roll back and report
CELERY_TASK_SOFT_TIME_LIMIT = _DEFAULT_SOFT_LIMIT
CELERY_TASK_TIME_LIMIT = _DEFAULT_SOFT_LIMIT + _GRACE
CELERY_TASK_ANNOTATIONS = {name: {"soft_time_limit": soft, "time_limit": soft + _GRACE}
                           for name, soft in _TIME_LIMITS.items()}
# Redis hands an unacknowledged message to another worker after the visibility timeout. It
# must outlast the longest task (its hard limit) plus the longest countdown a worker holds a
# message for before running it (a retry: at most 600 s, cares.base.toolkit.task and
# notices.email_letter), or a task still running would be run twice. Now 2,730 s.
_LONGEST_HOLD = max(CELERY_TASK_TIME_LIMIT, *(soft + _GRACE for soft in _TIME_LIMITS.values()))
CARES_VISIBILITY_TIMEOUT = _LONGEST_HOLD + 600 + 300  # + the longest countdown + a margin
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    _default_results = f"file://{VAR_DIR / 'celery-results'}"
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CARES_VISIBILITY_TIMEOUT}
    _default_results = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_default_results)
if PRODUCTION and not LOOPBACK_TRIAL and not all(
        url.startswith("rediss://") and "ssl_cert_reqs=required" in url
        for url in (CELERY_BROKER_URL, CELERY_RESULT_BACKEND)):
    raise ImproperlyConfigured(
        "Production needs TLS to Redis: CELERY_BROKER_URL and CELERY_RESULT_BACKEND must use "
        "rediss:// (with ?ssl_cert_reqs=required).")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # acknowledge after the task ran, not when it was received
# A worker process killed mid-task (OOM, kill -9) puts the message back rather than losing it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each worker process holds one message at a time: a slow PDF never sits on messages another
# process could run, and a crash leaves at most one message per process to redeliver.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On a lost broker connection Redis puts the unacknowledged messages back at once; the tasks
# still running are cancelled rather than run a second time beside their redelivered copy.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Logging (never PHI: log ids, not names) --------------------------------------------------
# "json": one JSON object per line with request_id and task_id (cares.base.ops.logs), for a log
# shipper; "plain": one line of text. JSON is the default in production.
CARES_LOG_FORMAT = env.str("CARES_LOG_FORMAT", default="json" if PRODUCTION else "plain")
if CARES_LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("CARES_LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "cares.base.ops.logs.JsonFormatter"}},
    # Query strings, secret path segments (responder tokens) and MassHealth IDs are redacted:
    # on the loggers that print URLs (for every handler of theirs), and on the console.
    "filters": {"redact": {"()": "cares.base.logfilters.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": CARES_LOG_FORMAT,
                             "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"},
                **{name: {"filters": ["redact"]} for name in (
                    "django.request", "django.security.csrf", "django.security.DisallowedHost",
                    "django.security.SuspiciousOperation", "celery.app.trace")},
                "django.server": {"handlers": ["console"], "level": "INFO",
                                  "propagate": False, "filters": ["redact"]}},
}

# --- Health (cares.base.ops.health) -----------------------------------------------------------
# Readiness calls beat stale when its heartbeat (every minute) is older than this.
CARES_HEARTBEAT_MAX_AGE_SECONDS = env.int("CARES_HEARTBEAT_MAX_AGE_SECONDS", default=5 * 60)
# Each readiness check (broker, result backend, storage, worker ping) answers within this.
CARES_HEALTH_CHECK_TIMEOUT_SECONDS = env.float("CARES_HEALTH_CHECK_TIMEOUT_SECONDS", default=2.0)

# Number of reverse proxies in front of the app whose X-Forwarded-For may be trusted (0: none).
CARES_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = CARES_TRUSTED_PROXY_COUNT or None

# --- Program settings -----------------------------------------------------------------------
CARES_LICENSE_EXPIRY_WARNING_DAYS = 60
CARES_BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)
# How long a two-factor enrollment link from the program director stays valid (single use).
CARES_ENROLLMENT_LINK_HOURS = env.int("ENROLLMENT_LINK_HOURS", default=72)

# FHIR export (issue 21, cares.program.fhir): the base of the Bundle's fullUrls for the
# export_fhir command (the $everything view uses the address it was asked on), and the
# identifier system of the MassHealth member ID.
CARES_FHIR_BASE_URL = env.str("CARES_FHIR_BASE_URL", default="https://cares-kids.example/fhir")
CARES_MASSHEALTH_ID_SYSTEM = env.str("CARES_MASSHEALTH_ID_SYSTEM",
                                     default="https://www.mass.gov/masshealth/member-id")
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)

# --- Letters (notices) ----------------------------------------------------------------------
# Letters to families carry PHI: in production they leave through the program's secure mail
# gateway, e.g. CARES_MAIL_GATEWAY=smtp+tls://user:pass@gateway.example:587. Unset: Django's
# default e-mail backend (EMAIL_URL; the console in development).
_gateway = env.str("CARES_MAIL_GATEWAY", default="")
CARES_MAIL_GATEWAY = env.email_url("CARES_MAIL_GATEWAY") if _gateway else None
if PRODUCTION and not LOOPBACK_TRIAL and not _gateway.startswith(("smtp+tls://", "smtp+ssl://")):
    raise ImproperlyConfigured(
        "Production sends letters (PHI) only through the program's secure mail gateway: set "
        "CARES_MAIL_GATEWAY=smtp+tls://user:password@gateway:587 (or smtp+ssl://).")
