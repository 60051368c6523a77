"""Django settings shared by every environment. Values come from the environment where they differ: every
variable is declared once, with its type, default and documentation, in ``delibe.config.variables``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

from delibe.config import variables

SRC_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = SRC_DIR.parents[1]
VAR_DIR: Path = variables.value("DELIBE_VAR_DIR", PROJECT_DIR=PROJECT_DIR)

SECRET_KEY = variables.value("DELIBE_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = variables.value("DELIBE_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "delibe.web",
    "delibe.web.audit",
    "delibe.web.assiduite",
    "ninja", "delibe.api",  # the REST API; ninja listed so that its docs page uses its own static files (no CDN)
    "axes",  # login throttling (web/audit/throttle.py)
    # background work: Django's Tasks framework (backport), tasks kept in the database, run by `delibe worker`
    "django_tasks", "django_tasks_db", "delibe.web.jobs",
    "delibe.web.mail",  # e-mails to students (results after the jury), the demo's mailbox
    "django_cas_ng", "delibe.web.comptes",  # university sign-in (CAS), the cas_id of each account
]

# Tasks (docs/adr/0014-tasks-framework.md): queued in the database (SQLite alone, PostgreSQL for several
# servers); any number of `delibe worker` processes, on any machine sharing the database, run them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "delibe.web.middleware.CollectorPauseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "delibe.web.audit.middleware.UploadLimitMiddleware",
    "delibe.web.audit.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "delibe.web.audit.middleware.SafeDefaultsMiddleware",
    "csp.middleware.CSPMiddleware",
    "delibe.web.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "delibe.web.middleware.OneReadingMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused login into the French lockout page
]

# Content-Security-Policy (django-csp 4): scripts only from our own static files, no inline script, no
# eval. Inline styles stay allowed: the bulletin page shows the document's own HTML (with its print
# styles) in a srcdoc frame, which inherits this policy; charts are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Features no page uses, refused to any script (SafeDefaultsMiddleware).
PERMISSIONS_POLICY = ("accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
                      "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()")

# Login throttling (django-axes, web/audit/throttle.py): failures counted per account (normalised
# username) and per client address; at the limit, 429 until the window has passed.
AUTHENTICATION_BACKENDS = [
    "delibe.web.audit.axes_backend.LoginAttemptsBackend",  # first: a locked-out login goes no further
    "django.contrib.auth.backends.ModelBackend",
    "delibe.web.comptes.backends.UniversityCASBackend",  # CAS tickets only (never creates an account)
    "delibe.web.comptes.oidc.UniversityOIDCBackend",  # OpenID Connect callbacks only (never creates one)
]

# University sign-in (CAS 2.0/3.0, django-cas-ng): on when DELIBE_CAS_SERVER_URL is set. Accounts are
# matched by their cas_id (comptes.CasAccount); unknown logins are refused, never created.
CAS_SERVER_URL = variables.value("DELIBE_CAS_SERVER_URL") or None
CAS_VERSION = variables.value("DELIBE_CAS_VERSION")
CAS_CREATE_USER = False
CAS_LOGOUT_COMPLETELY = True  # signing out of Délibé signs out of the CAS too (single sign-out)
CAS_REDIRECT_URL = "/"
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_RETRY_LOGIN = False
CAS_CHECK_NEXT = True
# OpenID Connect (mozilla-django-oidc, web/comptes/oidc.py): on when the client id and the authorization
# endpoint are set; accounts matched by comptes.OidcAccount on the claim DELIBE_OIDC_CLAIM, never created.
OIDC_RP_CLIENT_ID = variables.value("DELIBE_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = variables.value("DELIBE_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = variables.value("DELIBE_OIDC_AUTHORIZATION_URL")
OIDC_OP_TOKEN_ENDPOINT = variables.value("DELIBE_OIDC_TOKEN_URL")
OIDC_OP_USER_ENDPOINT = variables.value("DELIBE_OIDC_USERINFO_URL")
OIDC_OP_JWKS_ENDPOINT = variables.value("DELIBE_OIDC_JWKS_URL") or None
OIDC_RP_SIGN_ALGO = variables.value("DELIBE_OIDC_SIGN_ALGO")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:retour"
OIDC_TIMEOUT = 10
DELIBE_OIDC_ISSUER = variables.value("DELIBE_OIDC_ISSUER")
DELIBE_OIDC_LOGOUT_URL = variables.value("DELIBE_OIDC_LOGOUT_URL")
DELIBE_OIDC_CLAIM = variables.value("DELIBE_OIDC_CLAIM")
DELIBE_LOCAL_LOGIN = variables.value("DELIBE_LOCAL_LOGIN")
AXES_FAILURE_LIMIT = variables.value("DELIBE_LOGIN_MAX_FAILURES")
AXES_COOLOFF_TIME = dt.timedelta(seconds=variables.value("DELIBE_LOGIN_WINDOW"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one at the limit locks
AXES_USERNAME_CALLABLE = "delibe.web.audit.throttle.normalised_username"
AXES_CLIENT_IP_CALLABLE = "delibe.web.audit.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "delibe.web.audit.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a sprayer who finds one password must not wipe the address's failures
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not logged by axes (no personal data kept for it)
AXES_VERBOSE = False

ROOT_URLCONF = "delibe.config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "delibe.web.context_processors.roles",
            ]
        },
    }
]
WSGI_APPLICATION = "delibe.config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        variables.value("DATABASE_URL", VAR_DIR=VAR_DIR),
        # 0 by default: `delibe serve` (runserver) opens a thread per request, and persistent connections
        # then pile up until PostgreSQL refuses clients (bench/load_grades.py). prod.py (gunicorn) sets 60.
        conn_max_age=variables.value("DELIBE_DB_CONN_MAX_AGE"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The interface is French whatever the browser asks (Accept-Language): no LocaleMiddleware, one language.
# Texts stay marked for translation (gettext, {% translate %}) so that another language can be added
# later: add it to LANGUAGES, put LocaleMiddleware back after SessionMiddleware, and translate
# src/delibe/web/locale/<lang>/LC_MESSAGES/django.po (docs/i18n.md).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = variables.value("DELIBE_STATIC_ROOT", VAR_DIR=VAR_DIR)

# Délibé's own settings (what each one does: delibe.config.variables, docs/deployment.md)
DELIBE_FORMATIONS_DIR = variables.value("DELIBE_FORMATIONS_DIR", PROJECT_DIR=PROJECT_DIR)
DELIBE_DOCUMENTS_DIR = variables.value("DELIBE_DOCUMENTS_DIR", VAR_DIR=VAR_DIR)
DELIBE_DOCUMENTS_WORKERS = variables.value("DELIBE_DOCUMENTS_WORKERS") or min(2, os.cpu_count() or 1)
DELIBE_WORKER_STALE_SECONDS = variables.value("DELIBE_WORKER_STALE_SECONDS")
DELIBE_PLANIFICATION = variables.value("DELIBE_PLANIFICATION")
DELIBE_SAUVEGARDE_DOSSIER = variables.value("DELIBE_SAUVEGARDE_DOSSIER")
DELIBE_SAUVEGARDE_GARDER = variables.value("DELIBE_SAUVEGARDE_GARDER")
DELIBE_RETOURS_BOITE = variables.value("DELIBE_RETOURS_BOITE")

# E-mail (Django's e-mail framework: results, password reset, invitations of web/services/accounts.py): SMTP in
# production; the demo (settings.dev) keeps them in a mailbox page.
EMAIL_BACKEND = variables.value("DELIBE_EMAIL_BACKEND")
EMAIL_HOST = variables.value("DELIBE_EMAIL_HOST")
EMAIL_PORT = variables.value("DELIBE_EMAIL_PORT")
EMAIL_HOST_USER = variables.value("DELIBE_EMAIL_USER")
EMAIL_HOST_PASSWORD = variables.value("DELIBE_EMAIL_PASSWORD")
EMAIL_USE_TLS = variables.value("DELIBE_EMAIL_STARTTLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = variables.value("DELIBE_EMAIL_FROM")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DELIBE_EMAIL_REPLY_TO = variables.value("DELIBE_EMAIL_REPLY_TO")
DELIBE_MAX_UPLOAD_BYTES = variables.value("DELIBE_MAX_UPLOAD_BYTES")
DELIBE_PHOTOS_DIR = variables.value("DELIBE_PHOTOS_DIR", VAR_DIR=VAR_DIR)
DELIBE_MAX_PHOTOS_BYTES = variables.value("DELIBE_MAX_PHOTOS_BYTES")
DELIBE_LOGIN_MAX_FAILURES = variables.value("DELIBE_LOGIN_MAX_FAILURES")
DELIBE_LOGIN_WINDOW = variables.value("DELIBE_LOGIN_WINDOW")
DELIBE_CLIENT_IP_HEADER = variables.value("DELIBE_CLIENT_IP_HEADER")

LOGIN_URL = "delibe:login"
LOGIN_REDIRECT_URL = "delibe:home"
LOGOUT_REDIRECT_URL = "delibe:login"
LOCALE_PATHS = [SRC_DIR / "delibe" / "web" / "locale"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the grade grid reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (threaded server): BEGIN IMMEDIATE takes the write lock first and waits for it,
    # instead of a read-then-write deadlock answered « database is locked » (a lost save).
    # WAL: readers never block the writer nor the writer the readers, so a long import does not stop the
    # pages; the busy timeout (20 s) makes a writer wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    })
