"""Production: every secret and host from the environment, HTTPS only (behind a proxy that terminates
TLS), secure cookies, HSTS, persistent database connections, a cache shared by every application server
(login throttling), errors logged to stderr. ``delibe manage check --deploy`` is clean on these settings
(tests/trust/test_security.py). The variables: delibe.config.variables, docs/deployment.md."""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from delibe.config import variables
from delibe.config.settings.base import *
from delibe.config.settings.base import DATABASES, VAR_DIR


def _required(name: str) -> Any:
    if not os.environ.get(name, "").strip():
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} est obligatoire en production (voir docs/deployment.md)."
        )
    return variables.value(name, prod=True)


def _prod(name: str) -> Any:
    return variables.value(name, prod=True, VAR_DIR=VAR_DIR)


SECRET_KEY = _required("DELIBE_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "DELIBE_SECRET_KEY est trop courte (50 caractères au moins) : générez-en une avec "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )
DEBUG = False
ALLOWED_HOSTS = _required("DELIBE_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]

# TLS ends at the proxy (nginx), which sets X-Forwarded-Proto; it must overwrite any such client header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _prod("DELIBE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = _prod("DELIBE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading commits the whole domain to HTTPS in browsers, for good: the university's decision, not ours.
SECURE_HSTS_PRELOAD = _prod("DELIBE_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = _prod("DELIBE_SESSION_SECONDS")  # one working day
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# gunicorn's threads live long: keep their connections (checked before reuse).
DATABASES["default"]["CONN_MAX_AGE"] = _prod("DELIBE_DB_CONN_MAX_AGE")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by every application server: `delibe manage createcachetable` once (login throttling counts in
# the database itself, django-axes).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "delibe_cache"}}
# Behind nginx every request comes from the proxy: the client's address is in X-Real-IP (set by nginx).
DELIBE_CLIENT_IP_HEADER = _prod("DELIBE_CLIENT_IP_HEADER")

STATIC_ROOT = _prod("DELIBE_STATIC_ROOT")

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
    "root": {"handlers": ["stderr"], "level": _prod("DELIBE_LOG_LEVEL")},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
