"""Settings for PRM, all read from the environment in this one place.

Without any environment the project runs on embedded defaults (an SQLite file and
kombu's filesystem broker), so `make run` needs no server; CI and production set
DATABASE_URL and REDIS_URL to real PostgreSQL and Redis.
"""

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state: test database, broker folders, uploads
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me" if DEBUG else None)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY, or DEBUG=true for development.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (README).
if env.bool("SECURE_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "prm",
    "distributors",
    "meetings",
    "milestones",
    "portal",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prm.middleware.UserTimezoneMiddleware",
    "prm.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "prm.urls"
WSGI_APPLICATION = "prm.wsgi.application"
ASGI_APPLICATION = "prm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prm.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL means the default too.
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file in `make run`: wait for locks instead of failing,
    # and let readers go on while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    # A file, not memory, so that a Celery worker started by the tests sees the test data;
    # one per test run, so that two runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "prm.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in the user's own zone, this one when they have not chosen.
TIME_ZONE = env("TIME_ZONE", default="Asia/Tokyo")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Milestone evidence from distributors: kept apart from MEDIA_ROOT and STATIC_ROOT so that no
# web server serves it; only views that check who asks read it (milestones/evidence.py).
PRM_PRIVATE_MEDIA_ROOT = env("PRM_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media"))
PRM_EVIDENCE_MAX_UPLOAD_BYTES = env.int("PRM_EVIDENCE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A backend EMAIL_URL has no scheme for (its other settings still come from EMAIL_URL).
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
# A hung mail server must fail well before a reminder's claim goes stale (15 minutes),
# or the sweeper would let a second worker send it again.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PRM <prm@localhost>")

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "celery-broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis hands an unacknowledged task (acks_late) to another worker after the visibility
    # timeout: it must outlast the longest retry countdown (10 minutes at most), or a task
    # waiting for its retry runs twice. A worker's crash is caught sooner by the reminder
    # sweeper, through stale claims. JSON, e.g. to add a global_keyprefix.
    CELERY_BROKER_TRANSPORT_OPTIONS = env.json(
        "CELERY_BROKER_TRANSPORT_OPTIONS", default={"visibility_timeout": 3600}
    )
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# The Japanese business calendar (prm/japan_calendar.py). A fiscal year is named after the
# calendar year it starts in. Peak windows are (key, label, (month, day), (month, day)),
# both days included; an end before the start crosses the new year. The key names the
# peak in reminder periods, so it never changes once reminders exist.
PRM_FISCAL_YEAR_START_MONTH = env.int("PRM_FISCAL_YEAR_START_MONTH", default=4)
PRM_PEAK_WINDOWS = [
    ("golden-week", _("Golden Week"), (4, 29), (5, 6)),
    ("obon", _("Obon"), (8, 11), (8, 16)),
    ("year-end", _("Year-end and New Year"), (12, 28), (1, 4)),
]
# Agree inventory and shipping plans with logistics and wholesale partners this long before.
PRM_SEASONAL_PEAK_LEAD_DAYS = env.int("PRM_SEASONAL_PEAK_LEAD_DAYS", default=90)
# Reminders: links in e-mails start with the site's address; an overdue contact goes to the
# executive sponsor too once it has been overdue for longer than this.
PRM_SITE_URL = env("PRM_SITE_URL", default="http://127.0.0.1:8000")
PRM_ESCALATE_AFTER_DAYS = env.int("PRM_ESCALATE_AFTER_DAYS", default=30)
# A portal invitation link works once, for this many days.
PRM_INVITATION_DAYS = env.int("PRM_INVITATION_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
