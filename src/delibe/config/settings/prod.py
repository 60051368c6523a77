"""Production: every secret from the environment, secure cookies, PostgreSQL through DATABASE_URL."""

import os

from delibe.config.settings.base import *

SECRET_KEY = os.environ["DELIBE_SECRET_KEY"]
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
