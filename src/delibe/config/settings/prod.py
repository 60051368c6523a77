"""Production: every secret and host from the environment, HTTPS only (behind a proxy that terminates
TLS), secure cookies, HSTS, persistent database connections, a cache shared by every application server
(login throttling), errors logged to stderr. ``delibe manage check --deploy`` is clean on these settings
(tests/trust/test_security.py). See docs/deployment.md for the variables."""

import os

from django.core.exceptions import ImproperlyConfigured

from delibe.config.settings.base import *
from delibe.config.settings.base import DATABASES


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} est obligatoire en production (voir docs/deployment.md)."
        )
    return value


def _list(name: str) -> list[str]:
    return [item.strip() for item in _required(name).split(",") if item.strip()]


SECRET_KEY = _required("DELIBE_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "DELIBE_SECRET_KEY est trop courte (50 caractères au moins) : générez-en une avec "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )
DEBUG = False
ALLOWED_HOSTS = _list("DELIBE_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]

# TLS ends at the proxy (nginx), which sets X-Forwarded-Proto; it must overwrite any such client header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DELIBE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DELIBE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading commits the whole domain to HTTPS in browsers, for good: the university's decision, not ours.
SECURE_HSTS_PRELOAD = os.environ.get("DELIBE_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("DELIBE_SESSION_SECONDS", str(8 * 3600)))  # one working day
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# gunicorn's threads live long: keep their connections (checked before reuse).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DELIBE_DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by every application server: `delibe manage createcachetable` once (login throttling counts in
# the database itself, django-axes).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "delibe_cache"}}
# Behind nginx every request comes from the proxy: the client's address is in X-Real-IP (set by nginx).
DELIBE_CLIENT_IP_HEADER = os.environ.get("DELIBE_CLIENT_IP_HEADER", "HTTP_X_REAL_IP")

STATIC_ROOT = Path(os.environ.get("DELIBE_STATIC_ROOT", str(VAR_DIR / "static")))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DELIBE_LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
