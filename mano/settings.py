"""Mano settings: one module, driven by environment variables that fail loudly."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet as xstatic_leaflet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "")
    if value == "":
        return default
    if value not in ("True", "False", "true", "false", "1", "0"):
        raise ImproperlyConfigured(f"Unexpected value {name}={value}, use 'True' or 'False'")
    return value in ("True", "true", "1")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number") from exc


def env_secret(name: str) -> str:
    """Read NAME, or the file named by NAME_FILE (for Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE", "")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read") from exc
    return os.environ.get(name, "")


DEBUG = env_bool("DEBUG", False)

# Development values are only ever used with DEBUG=True; production refuses to start without real ones.
_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789abcdef"
_DEV_PEPPER = "ZGV2LW9ubHktcGVwcGVyLW5vdC1mb3ItcHJvZHVjdGlvbiE="  # base64 of 32 bytes

SECRET_KEY = env_secret("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
MANO_PEPPER = env_secret("MANO_PEPPER") or (_DEV_PEPPER if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is False.")
if not MANO_PEPPER:
    raise ImproperlyConfigured(
        "MANO_PEPPER (or MANO_PEPPER_FILE) is required when DEBUG is False: "
        "32 random bytes in base64, kept outside the database and its backups."
    )
try:
    _pepper_bytes = len(base64.b64decode(MANO_PEPPER, validate=True))
except ValueError:
    _pepper_bytes = 0
if _pepper_bytes < 32:
    raise ImproperlyConfigured("MANO_PEPPER must be base64 of at least 32 random bytes.")

ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "mano.core",
    "mano.accounts",
    "mano.persons",
    "mano.agenda",
    "mano.structures",
    "mano.medical",
    "mano.territories",
    "mano.reports",
    "mano.stats",
    "mano.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mano.core.middleware.SessionLimitsMiddleware",
    "mano.core.middleware.KeyringMiddleware",
    "mano.core.middleware.NoStoreMiddleware",
    "mano.core.middleware.DecryptionErrorMiddleware",
    "mano.medical.middleware.PendingHealthChangesMiddleware",
]

ROOT_URLCONF = "mano.urls"
WSGI_APPLICATION = "mano.wsgi.application"

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
                "mano.accounts.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'mano.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["mano.accounts.backends.SessionBackend"]
LOGIN_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Encrypted document files: a private folder outside the web root (never served as static or media).
MANO_DOCUMENTS_DIR = Path(env_str("MANO_DOCUMENTS_DIR", str(BASE_DIR / "var" / "documents")))
MANO_DOCUMENT_MAX_BYTES = env_int("MANO_DOCUMENT_MAX_MB", 15) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Leaflet comes from its wheel (xstatic-leaflet), served as /static/leaflet/: no CDN, nothing committed.
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", xstatic_leaflet.BASE_DIR)]
# Hashed, compressed assets in production (needs collectstatic); plain finders in development and tests.
STATIC_MANIFEST = env_bool("MANO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Sessions live in the database; the key-unlocking secret lives only in the browser cookie.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_NAME = "__Host-mano-session" if not DEBUG else "mano-session"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "__Host-csrftoken" if not DEBUG else "csrftoken"
MANO_KEY_COOKIE = "__Host-mano-key" if not DEBUG else "mano-key"
MANO_IDLE_MINUTES = env_int("MANO_IDLE_MINUTES", 30)
# Envelopes of the persons' search shards kept in each process's memory (ciphertext): a large organisation's are ~24 MB.
MANO_SHARD_CACHE_MB = env_int("MANO_SHARD_CACHE_MB", 32)
MANO_ABSOLUTE_HOURS = 12

# Argon2id cost, SECURITY.md: t=3, m=64 MiB, p=2. Tests lower it through MANO_KDF_MEMORY_KIB.
MANO_KDF_TIME_COST = env_int("MANO_KDF_TIME_COST", 3)
MANO_KDF_MEMORY_KIB = env_int("MANO_KDF_MEMORY_KIB", 64 * 1024)
MANO_KDF_PARALLELISM = 2
MANO_LOCKOUT_FAILURES = 10
MANO_LOCKOUT_MINUTES = 15

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# Map tiles of the structures directory, e.g. "https://tiles.example.org/{z}/{x}/{y}.png". Empty (the default,
# and in tests): the map shows its markers on a plain background and the browser fetches nothing elsewhere.
MANO_MAP_TILES_URL = env_str("MANO_MAP_TILES_URL")
MANO_MAP_ATTRIBUTION = env_str("MANO_MAP_ATTRIBUTION")
_TILES_ORIGIN = "/".join(MANO_MAP_TILES_URL.split("/")[:3]) if MANO_MAP_TILES_URL.startswith("https://") else ""

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_TILES_ORIGIN] if _TILES_ORIGIN else [])],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mano <noreply@mano.localhost>")

# Logs never carry request bodies or personal data: only our own messages and Django's request errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        # At DEBUG, failed template lookups log the context they searched, which may be decrypted data.
        "django.template": {"level": "INFO"},
        # WeasyPrint logs every step and every refused resource of a report PDF.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
