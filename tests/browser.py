"""A real browser for the tests: Debian's headless Chromium, driven through playwright.

``make test`` installs Chromium (``/usr/bin/chromium``); playwright comes with the test
extras and never downloads a browser of its own. Each page records every request it makes
that leaves the machine (anything but ``file:``, ``data:``, ``blob:`` and ``about:``, and the
local servers it is told of) and refuses it, so a test can assert that a page works offline.

Screenshots go to ``BROWSER_ARTEFACTS`` (``$AUTOGRADER_TEST_ARTEFACTS`` or
``test-artefacts/`` under the pytest base temporary folder), kept after the run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a root user on a machine with no display and a closed network: without the
# background-networking ones Chromium keeps trying to reach Google's hosts.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-quic", "--disable-default-apps", "--disable-extensions"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@dataclass
class OfflinePage:
    """A playwright page and the outside requests it tried (each one refused)."""

    page: object
    outside_requests: list[str] = field(default_factory=list)


def launch(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make system` (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


def offline_page(browser, *, width: int = 1280, height: int = 900, local: tuple[str, ...] = ()) -> OfflinePage:
    """A fresh page in its own context that refuses, and records, every outside request;
    ``local``: addresses on this machine it may also reach (a local server's origin)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    found = OfflinePage(page)

    def route(request_route, request):
        if request.url.startswith(LOCAL_SCHEMES + tuple(local)):
            request_route.continue_()
        else:
            found.outside_requests.append(request.url)
            request_route.abort()

    context.route("**/*", route)
    return found


def artefacts_dir(base: Path) -> Path:
    folder = Path(os.environ.get("AUTOGRADER_TEST_ARTEFACTS", base / "test-artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
