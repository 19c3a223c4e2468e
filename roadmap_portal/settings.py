"""Settings, read from the environment (and from `.env` when present).

With nothing set, the portal refuses to start: DEBUG is off and SECRET_KEY is required.
`make run` writes a local `.env` (DEBUG on, a random key, SQLite) so that a fresh clone
works at once; a deployment sets the variables listed in `.env.example`.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    # Variables already in the environment win over the file.
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_countries",
    "django_tasks_db",
    "import_export",
    "axes",
    "accounts",
    "orgs",
    "exchange",
    "checklists",
    "actionplans",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Nothing without a replica configured.
    "roadmap_portal.lib.replica.ReplicaPinMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roadmap_portal.urls"
WSGI_APPLICATION = "roadmap_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roadmap_portal.context_processors.language_links",
                "roadmap_portal.context_processors.moderation_menu",
            ],
            # roadmap_portal is not an app, so its tags are named here.
            "libraries": {
                "portal": "roadmap_portal.templatetags.portal",
                "pdf": "roadmap_portal.templatetags.pdf",
                "translated": "roadmap_portal.templatetags.translated",
            },
        },
    },
]

# Database: SQLite with no configuration, anything else through DATABASE_URL
# (postgres://user@host:5432/name for PostgreSQL via psycopg 3).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Works behind a transaction-pooling PgBouncer, and saves round trips.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A read replica of that PostgreSQL (docs/replica.md): the public directory's pages read it
# for visitors who are not signed in and have not just sent a form
# (roadmap_portal/lib/replica.py); everything else, and every write, uses DATABASE_URL.
if env.str("DATABASE_REPLICA_URL", default=""):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL.")
    _replica = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"] = {
        **_replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # An unreachable replica costs a visitor at most this long (then the primary answers
        # for 30 s without trying); libpq alone would wait for TCP to give up.
        "OPTIONS": {
            **DATABASES["default"].get("OPTIONS", {}),
            "connect_timeout": 2,
            **_replica.get("OPTIONS", {}),
        },
    }
    DATABASE_ROUTERS = ["roadmap_portal.lib.replica.ReplicaRouter"]
# How long a client reads the primary after sending a form: longer than the replica's lag.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
# Public pages rendered for visitors who are not signed in are kept this long in the
# shared cache (roadmap_portal/lib/pagecache.py); 0 turns it off, as in development.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits count in the cache, so every app process must share it. With DEBUG off and no
# CACHE_URL, the database cache (table django_cache, made by `manage.py createcachetable`,
# which `make migrate` runs); a local-memory or dummy cache there is refused: each process
# would count alone, and a limit of 5 would be 5 per process.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif DEBUG:
    CACHES = {"default": env.cache_url_config("locmemcache://")}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
# Django's database and file caches keep 300 entries by default and past that cull a third of
# them, rate-limit counters included: any 300 other keys would reset the limits. Room for a
# million entries (a counter is a row of a few dozen bytes); past that the database cache
# deletes the expired ones first, then a tenth of the rest. Options in CACHE_URL
# (`?max_entries=...`) win.
if CACHES["default"]["BACKEND"] in {
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}:
    CACHES["default"]["OPTIONS"] = {
        "MAX_ENTRIES": 1_000_000,
        "CULL_FREQUENCY": 10,
        **CACHES["default"].get("OPTIONS", {}),
    }
_PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if not DEBUG and CACHES["default"]["BACKEND"] in _PROCESS_LOCAL_CACHES:
    raise ImproperlyConfigured(
        "CACHE_URL names a cache that app processes do not share; with DEBUG off use Redis"
        " (rediscache://...) or leave CACHE_URL unset for the database cache."
    )

# Proxies in front of the portal that append the client's address to X-Forwarded-For
# (0: none, and the header is ignored). roadmap_portal.lib.ratelimit.client_ip reads it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
# Who lands where after signing in without a `next`: a function of the user that returns a
# URL, or None for LOGIN_REDIRECT_URL. In the project layer, since accounts knows no roles.
SIGN_IN_LANDING = "roadmap_portal.views.sign_in_landing"

# My work's panels, in the order shown: functions (request) -> Panel | None, one or more
# per app (roadmap_portal/lib/panels.py). A new app adds its own here.
MY_WORK_PANELS = [
    "orgs.panels.moderation_queue",
    "checklists.panels.my_roadmaps",
    "checklists.panels.shared_with_my_municipality",
    "actionplans.panels.my_partnerships",
    "evaluation.panels.my_evaluation",
    "orgs.panels.my_organizations",
    "orgs.panels.staff_accounts",
]
# The panels of the partnership's page (actionplans:partnership): functions of (request,
# partnership), so that the apps above actionplans show their part without it importing them.
PARTNERSHIP_PANELS = [
    "evaluation.panels.partnership_evaluation",
]
LOGOUT_REDIRECT_URL = "home"

# Failed sign-ins (portal and admin) lock out one account from one address: the pair, so a
# stranger elsewhere cannot lock a coordinator out. 5 failures leave room for typos and a
# forgotten password; a 15-minute cool-off makes guessing slow (at most 480 tries a day per
# address) while the owner waits little or resets the password, which unlocks at once.
# Counted in the database (axes' tables), shared by every process.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout ends 15 minutes after the fifth failure, however often the owner retries, so the
# page can say when; tries during it are refused unchecked.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "roadmap_portal.lib.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Only what the lockout needs: no record of every successful sign-in and its address.
AXES_DISABLE_ACCESS_LOG = True

# Password-reset e-mails and new accounts, counted when sent or created (accounts/views.py).
# Per network, enough for a workshop of a few dozen people behind one municipal address.
PASSWORD_RESET_LIMIT_PER_ADDRESS = 3  # e-mails to one address per hour
PASSWORD_RESET_LIMIT_PER_NETWORK = 30  # e-mails requested from one client address per hour
SIGNUP_LIMIT_PER_NETWORK = 30  # accounts (or "already exists" notices) per address per hour
SIGNUP_NOTICE_LIMIT_PER_ADDRESS = 3  # "someone tried to sign up with your address" per hour

# Languages: Latvian is the source language of the roadmap and the default.
LANGUAGE_CODE = "lv"
LANGUAGES = [
    ("lv", _("Latvian")),
    ("en", _("English")),
    ("lt", _("Lithuanian")),
    ("sv", _("Swedish")),
    ("pt", _("Portuguese")),
    ("el", _("Greek")),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "lv"
# Content written in Latvian and English first: other languages fall back to English.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "lv"), "lv": ("en",)}
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first (roadmap_portal/formats/en); the other languages keep Django's.
FORMAT_MODULE_PATH = ["roadmap_portal.formats"]
USE_I18N = True
USE_TZ = True
# The portal's own clock; each municipality keeps its own time zone as data.
TIME_ZONE = "Europe/Riga"

STATIC_URL = "static/"
# Where `collectstatic` writes and WhiteNoise serves from.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from the npm registry (package-lock.json), never a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Files users upload; backed up beside the database (docs/backup.md).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless EMAIL_URL names a server
# (smtp+tls://user:password@smtp.example.org:587).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email["EMAIL_HOST"],
    "port": _email["EMAIL_PORT"],
    "username": _email["EMAIL_HOST_USER"],
    "password": _email["EMAIL_HOST_PASSWORD"],
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {key: value for key, value in _smtp_options.items() if value},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Roadmap Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the accessibility statement asks people to report a problem (EU directive 2016/2102);
# unset, it sends them to their municipality's staff.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Where the portal is reached, for links in e-mails sent outside a request (reminders).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# The largest spreadsheet staff may import (exchange/readers.py).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# The largest file attached to evaluation evidence (evaluation/forms_evidence.py).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Files with more rows are checked and imported by the task worker (exchange/tasks.py).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2000)
# A check or import that has shown no sign of progress for this long (its worker or the
# database went away) is marked failed when its page is opened, and can be started again.
IMPORT_STALLED_AFTER = env.int("IMPORT_STALLED_AFTER", default=600)
# Roadmaps whose PDF has more (estimated) lines are printed by the task worker
# (checklists/pdf.py): below it a request prints in a few seconds at most (2.6-3.4 s on 2
# loaded cores, docs/performance.md).
PDF_BACKGROUND_LINES = env.int("PDF_BACKGROUND_LINES", default=1000)
# The PAdES seal on signed partnership PDFs (roadmap_portal/lib/seal.py, docs/signed-pdf.md):
# a PKCS#12 file with the certificate and its key, and the file's password. Unset, a
# development portal (DEBUG on) makes a self-signed one under var/seal/; with DEBUG off the
# portal refuses to seal (the PDF fails, loudly in the worker's log) until one is set.
PDF_SEAL_CERTIFICATE = env.str("PDF_SEAL_CERTIFICATE", default="")
PDF_SEAL_PASSWORD = env.str("PDF_SEAL_PASSWORD", default="")
PDF_SEAL_DEVELOPMENT = env.bool("PDF_SEAL_DEVELOPMENT", default=DEBUG)
# Uploads above this are written to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An action plan's page posts all its rows at once: 300 rows of 12 fields (Django's 1,000
# fields would refuse a plan of 84 rows with a 400).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

# Demo accounts have published passwords: never in production.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=DEBUG)

# Security. With DEBUG off, everything below is on unless its comment says otherwise.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers check health over plain HTTP and do not follow redirects.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
# Off unless the deployment turns them on: a portal on a municipality's subdomain
# (portal.example.lv) would otherwise force HTTPS on every site of example.lv, and a
# preload listing takes months to undo.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# check --deploy warns about each of the two while it is off: off is the stated choice above.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
# A refused form (expired page, cookies off) gets a page in the portal's layout.
CSRF_FAILURE_VIEW = "roadmap_portal.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
