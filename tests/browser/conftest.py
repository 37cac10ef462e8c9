"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against live_server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LUUKKU_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
AXE = Path(__file__).with_name("axe-4.14.1.min.js")


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module, closed after it (with its event loop).

    Not for the whole session: pytest-django runs the live-server tests before the
    tests without a database, and Playwright's sync API keeps an asyncio loop running
    in this thread while it is open, which those later tests (async views, asyncio.run,
    `check --deploy`) would inherit along with DJANGO_ALLOW_ASYNC_UNSAFE.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (.ci/run does)."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must not refuse
    # database access from it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()


def _is_csp_violation(message) -> bool:
    return "Content Security Policy" in message.text or "Content-Security-Policy" in message.text


@pytest.fixture
def new_page(browser):
    """New pages; a test fails if any of them broke the Content-Security-Policy."""
    contexts = []
    violations: list[str] = []

    def make(language: str = "fi"):
        ctx = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
        contexts.append(ctx)
        page = ctx.new_page()
        page.on(
            "console",
            lambda msg: (
                violations.append(f"{page.url}: {msg.text}") if _is_csp_violation(msg) else None
            ),
        )
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not violations, violations


def axe_violations(page) -> list[dict]:
    """Serious and critical accessibility violations on the page, by axe-core."""
    # Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:3],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
