"""Shared test configuration. Browser tests need Django's live server with Playwright's sync API."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
