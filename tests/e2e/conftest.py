"""Real-browser tests: Playwright's Python API driving Debian's Chromium against Django's live server.

Never `playwright install` (its download fails here): /usr/bin/chromium comes from Debian
(scripts/install-system-deps.sh). axe-core comes from npm (package.json) and is injected into pages.
A missing Chromium or axe-core fails these tests (CI included); DELIBE_SKIP_BROWSER=1 skips them on
purpose, DELIBE_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("DELIBE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Skipped only on explicit request: a machine without Chromium or axe-core fails these tests (CI too).
    skip = os.environ.get("DELIBE_SKIP_BROWSER") == "1"
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(pytest.mark.skip(reason="DELIBE_SKIP_BROWSER=1: browser tests skipped on request"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # the machine is shared: waiting longer is not asserting on time
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make sysdeps` (Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def audit_accessibility(page) -> list[dict]:
    """Runs axe-core (WCAG 2.1 A/AA rules) on the page and returns the serious and critical violations."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make sysdeps` (npm install from package-lock.json)")
    # Evaluated through the DevTools protocol, not added as a <script>: the application's CSP (script-src
    # 'self', no inline script) refuses injected scripts, and the pages are tested under that policy.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe():
    return audit_accessibility


# --- the application under test ---------------------------------------------------------------------
# The web tests' world (tests/web/conftest.py): one department, BUT1 S1/S2, Alpha and Bravo, one account
# per role, a second department. Imported here as fixtures, so both suites describe the same situation.
from tests.web.conftest import world  # noqa: F401  (a fixture, used by name)


@pytest.fixture
def server(live_server):
    """The live server's address (an empty database; the login counters of django-axes live in it)."""
    from django.core.cache import cache

    cache.clear()
    return live_server.url


@pytest.fixture
def site(server, request):
    """The live server's address, with the world in its database."""
    request.getfixturevalue("world")
    return server


def page_opener(browser, base_url: str):
    """A function giving a page logged in as a user (session cookie of Django's test client, no login
    form: the login itself is tested once per role in test_login.py), and the contexts to close."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    contexts = []

    def open_as(username: str):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900},
                                      base_url=base_url, accept_downloads=True)
        contexts.append(context)
        if username != "anonyme":
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base_url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    return open_as, contexts


@pytest.fixture
def open_as(browser, site):
    """``open_as("enseignant")`` gives a page of the world already logged in as « enseignant »."""
    opener, contexts = page_opener(browser, site)
    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def open_demo_as(browser, server):
    """Like ``open_as``, on the demo database (services/demo.py: three years, 60 apprentices, closed
    juries) instead of the world: the pages at a real department's size, with every kind of code."""
    from delibe.web.services.demo import ensure_demo

    ensure_demo(echo=lambda line: None)
    opener, contexts = page_opener(browser, server)
    yield opener
    for context in contexts:
        context.close()
