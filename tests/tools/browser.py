"""Headless Debian Chromium for the tools (benchmark, screenshot), offline: only file: and data: URLs load."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _offline(route: Route) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


@contextmanager
def offline_page(width: int = 1400, height: int = 900) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", _offline)
        try:
            yield page
        finally:
            browser.close()


def open_graph(page: Page, path: Path) -> float:
    """Opens a graph page and waits until it is drawn; returns the page's time-to-interactive in seconds
    (from the start of navigation to the first drawing, with every control wired)."""
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    return page.evaluate("window.kg.readyAt") / 1000
