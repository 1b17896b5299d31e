"""The browser suite: Playwright driving Debian's Chromium (``make chromium``) against the local stack.

The stack is the one the e2e suite uses (``stack``, tests/helpers/local_stack.py: one per test
session, shared); the app is
the build in ``web/dist`` that the stack serves at ``/`` (``make web``). Each test gets a fresh browser
context (its own sessionStorage, so its own login). A test fails on any console error or uncaught
page error it did not declare, and leaves a screenshot in ``.artifacts/browser/`` when it fails.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright, expect, sync_playwright

from tests.helpers.local_stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium as the probe ran it; the networking flags keep it from calling Google's hosts,
# which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 20_000  # a shared 2-core machine; the stack's first calls to a function are slow

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None],
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's Chromium")
    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.fail("web/dist is missing: `make web` builds the app the stack serves")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors; a test may declare the ones it provokes."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [error for error in self.errors if not any(pattern.search(error) for pattern in self.allowed)]


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@dataclass
class App:
    """The web app in one browser context, with the stack behind it."""

    page: Page
    stack: LocalStack

    def open(self, route: str = "/") -> None:
        self.page.goto(self.stack.url(f"/#{route}" if route != "/" else "/"))

    def sign_in(self, email: str) -> None:
        self.open("/login")
        self.page.get_by_role("button", name=f"Sign in as {email}").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()


def _new_app(browser: Browser, local: LocalStack, console: ConsoleWatch, request: pytest.FixtureRequest,
             *, name: str, viewport: dict[str, int]) -> Iterator[App]:
    screenshot = SCREENSHOTS / f"{request.node.name}-{name}.png"
    screenshot.unlink(missing_ok=True)  # a screenshot here is always of this run's failure
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        console.errors.append(f"uncaught: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield App(page=page, stack=local)
        reports = request.node.stash.get(_REPORTS, {})
        failed = any(report.failed for report in reports.values())
        unexpected = console.unexpected()
        if failed or unexpected:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        if unexpected:
            pytest.fail("the browser logged errors:\n" + "\n".join(unexpected))
    finally:
        context.close()


@pytest.fixture
def app(browser: Browser, stack: LocalStack, console: ConsoleWatch,
        request: pytest.FixtureRequest) -> Iterator[App]:
    yield from _new_app(browser, stack, console, request, name="app", viewport=DESKTOP)


@pytest.fixture
def second_app(browser: Browser, stack: LocalStack, console: ConsoleWatch,
               request: pytest.FixtureRequest) -> Iterator[App]:
    """Another person in another browser context (the other side of a journey)."""
    yield from _new_app(browser, stack, console, request, name="second", viewport=DESKTOP)


@pytest.fixture
def phone_app(browser: Browser, stack: LocalStack, console: ConsoleWatch,
              request: pytest.FixtureRequest) -> Iterator[App]:
    yield from _new_app(browser, stack, console, request, name="phone", viewport=PHONE)
