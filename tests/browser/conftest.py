"""Browser tests: a real Sasaran (pytest-django's live server) driven by Debian's Chromium
through playwright. Mandatory in CI; on a machine without Chromium they skip, saying so."""

import os
import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import IN_CI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures in
# the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The browser tests share two cores with the rest of the suite in CI: a page can take seconds
# under that load. Assertions wait (expect auto-retries) up to this long instead of failing on a
# page that is merely slow; a real failure still fails, only later.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _require_chromium():
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(
                f"CI=true and Chromium is missing at {CHROMIUM}: browser tests are mandatory"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def signed_in(page, live_server):
    """Sign a user in through the real form and return the page."""

    def sign_in(email: str, password: str = "correct horse battery"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in
