"""The state page in a real browser: headless Chromium (Debian's package) driven by Playwright.

Playwright's own browser download is not used: the test points Playwright at
``/usr/bin/chromium`` (or ``$TICKETSIM_CHROMIUM``) and skips, saying why,
where there is none. A hold made through the API appears on the page; the
page's "advance 20 minutes" button moves the simulated clock and the hold
is shown expired. The screenshot for the README is taken from this page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = os.environ.get("TICKETSIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "state-page.png"
HOLD = {"hold_length": 15, "order_id": "PAGE-1", "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}
WAIT_MS = 10_000  # real milliseconds the page has to show a change (it refreshes every 2 s)


@pytest.fixture
def page() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def test_a_hold_appears_and_expires_when_the_page_advances_the_clock(page, ticketsim) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(ticketsim.url + "/")
    expect(page.locator("#holds")).to_contain_text("nothing yet")

    answer = httpx.post(f"{ticketsim.url}/sales/v1/Stubhub/", json=HOLD,
                        headers={"x-api-key": ticketsim.keys.marketplace})
    assert answer.status_code == 200, answer.text

    row = page.locator("#holds tbody tr", has_text="PAGE-1")
    expect(row).to_contain_text("HELD", timeout=WAIT_MS)
    expect(row).to_contain_text("15m 00s")
    page.fill("input[data-filter=orders]", "FX-VIV")
    expect(page.locator("#orders tbody tr:visible").first).to_contain_text("FX-VIV")
    visible = page.locator("#orders tbody tr:visible").count()
    total = page.locator("#orders tbody tr").count()
    assert 0 < visible < total
    expect(page.locator("[data-count=orders]")).to_contain_text(f"{visible} shown of")
    if os.environ.get("TICKETSIM_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False, type="png")

    page.get_by_role("button", name="advance 20 minutes").click()

    expect(row).to_contain_text("EXPIRED", timeout=WAIT_MS)
    assert ticketsim.clock.now.isoformat() > "2026"  # the clock really moved on the server
    expect(page.locator("#holds")).to_contain_text("PAGE-1")
    for link in ("/sales/v1/ui/", "/pdfs/v1/ui/", "/_sim/ui/"):
        assert page.locator(f"nav a[href='{link}']").count() == 1


def test_a_refused_clock_change_is_shown_on_the_page(page) -> None:  # type: ignore[no-untyped-def]
    """With ``--control-token``, the page's buttons (which send no token) get 401: the page
    says so instead of doing nothing."""
    from playwright.sync_api import expect

    from simulator.config import SimConfig
    from simulator.core.clock import ClockMode
    from simulator.testing import LiveServer

    config = SimConfig(db=":memory:", clock=ClockMode.FROZEN, control_token="page-token")
    with LiveServer(config) as server:
        before = server.simulator.clock.now()
        page.goto(server.url + "/")
        expect(page.locator("#notice")).to_be_hidden()
        page.get_by_role("button", name="advance 20 minutes").click()
        expect(page.locator("#notice")).to_contain_text("needs its token", timeout=WAIT_MS)
        assert server.simulator.clock.now() == before
