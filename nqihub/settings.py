"""Settings of NQI Hub. Everything a deployment changes comes from environment variables (see docs/deployment.md)."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NQIHUB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # WhiteNoise serves from here after collectstatic


def _secret_key() -> str:
    """A deployment sets NQIHUB_SECRET_KEY; a newcomer's machine gets one generated once and kept in var/."""
    if key := os.environ.get("NQIHUB_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("NQIHUB_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("NQIHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("NQIHUB_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "nqihub.core",
    "nqihub.registry",
    "nqihub.imports",
    "nqihub.standards",
    "nqihub.review",
    "nqihub.forerunner",
    "nqihub.benchmarking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nqihub.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nqihub.urls"
WSGI_APPLICATION = "nqihub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nqihub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nqihub.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database: DATABASE_URL selects it; the default is the SQLite file a newcomer gets from `make run`.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'nqihub.sqlite3'}",
        conn_max_age=int(os.environ.get("NQIHUB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so that two
    # concurrent writers queue instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("TEST", {}).update({"TEMPLATE": "template0", "CHARSET": "UTF8"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- Authentication and security
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "nqihub.core.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("NQIHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NQIHUB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# Sessions end after 2 hours without activity (a shared bureau PC is a common case).
SESSION_COOKIE_AGE = int(os.environ.get("NQIHUB_SESSION_SECONDS", str(2 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("NQIHUB_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

# Content-Security-Policy: every asset is served from this host (vendored); no inline script without a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Uploads: bounded so that a huge file is refused with a message instead of filling memory or disk.
TRUST_X_FORWARDED_FOR = os.environ.get("NQIHUB_TRUST_PROXY") == "1"

MAX_UPLOAD_BYTES = int(os.environ.get("NQIHUB_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# A DOCX is a zip: bound what it may unpack to and how many members it may have (zip bombs).
DOCUMENT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("NQIHUB_DOCUMENT_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024))
)
DOCUMENT_MAX_MEMBERS = 2000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("NQIHUB_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- Language and time: Simplified Chinese first, English second; store UTC, show Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "nqihub" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "nqihub" / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["nqihub.core.scoping.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "nqihub.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NQI Hub API",
    "DESCRIPTION": "质量基础设施一站式服务与监管平台 REST API. Every endpoint is scoped by role and jurisdiction.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc are served from the sidecar package: no CDN on a bureau intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Background work: the database worker needs no broker (`nqihub db_worker`).
TASKS = {"default": {"BACKEND": os.environ.get("NQIHUB_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Cache: counters such as the objection rate limit. The default is each process's memory; several web
# processes share counters only through a shared backend, e.g. NQIHUB_CACHE_BACKEND=
# django.core.cache.backends.filebased.FileBasedCache with NQIHUB_CACHE_LOCATION=/var/lib/nqihub/cache (one
# machine), or django.core.cache.backends.db.DatabaseCache with a table name (after `nqihub createcachetable`).
CACHES = {
    "default": {
        "BACKEND": os.environ.get("NQIHUB_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("NQIHUB_CACHE_LOCATION", "nqihub"),
    }
}

# --- Domain configuration
# Enterprise-standard number patterns per region prefix (DOMAIN.md §1: no national format).
ENTERPRISE_STANDARD_PATTERNS: dict[str, str] = {}
# The region this deployment serves: the default of statistics pages for the platform administrator.
HOME_REGION_CODE = os.environ.get("NQIHUB_HOME_REGION", "450300")
# 对标达标 pilot-city rankings (docs/campaign.md): the default key of the dashboard and of `nqihub campaign-snapshot`
# (results · enterprises · verified · composite, or a key of BENCHMARK_RANKING_KEYS), and extra or replaced keys,
# e.g. {"weighted": {"label": "综合", "weights": {"results": 0.6, "enterprises": 0.4}, "ties": ["verified"]}}.
BENCHMARK_RANKING_KEY = os.environ.get("NQIHUB_BENCHMARK_RANKING_KEY", "results")
BENCHMARK_RANKING_KEYS: dict = {}
# 对标 level rules merged over nqihub.benchmarking.engine.DEFAULT_RULES (a scheme's own rules override both), as
# JSON, e.g. {"version": "city-2027", "tiers": [{"level": "international_advanced", "classes": ["international"]},
# {"level": "domestic_advanced", "classes": ["foreign_advanced", "domestic_advanced"]}]} (docs/benchmarking.md).
BENCHMARK_LEVEL_RULES: dict = json.loads(os.environ.get("NQIHUB_BENCHMARK_LEVEL_RULES") or "{}")
# Objections to a forerunner notice: at most this many per source (client address, or account) and notice, e.g.
# "5/h", "20/d", "3/10m"; "0" switches the limit off (nqihub/forerunner/ratelimit.py).
FORERUNNER_OBJECTION_RATE = os.environ.get("NQIHUB_FORERUNNER_OBJECTION_RATE", "5/h")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NQIHUB_LOG_LEVEL", "WARNING")},
}
