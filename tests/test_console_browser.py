"""The support console in a real browser: headless Debian Chromium driven by Playwright, against the
local console (the Lambda handler over a seeded moto table and the SES stand-in's suppression list).

Never skipped silently: without Chromium or Playwright the test fails with a one-line instruction
(CI installs both: .ci/run). Screenshots land in the test's tmp folder (printed on failure).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sesmail_local.console import LocalConsole, local_console
from sesmail_local.moto_server import free_port

# Debian's chromium; elsewhere (GitHub's Ubuntu runners ship Google Chrome) point CONSOLE_CHROMIUM at one.
CHROMIUM = Path(os.environ.get("CONSOLE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Seeded scenario recipients (sesmail_local.scenario, seed 20261128): customer mailboxes that a hard
# bounce put on the suppression list, and one that is only ever delivered to.
SUPPRESSED = "bounce+c15@example.com"
DELIVERED = "success+c01@example.com"
BOUNCED = "bounce@simulator.amazonses.com"  # the simulator's hard bounce, never listed (SES_FACTS)

pytestmark = pytest.mark.integration


def _browser_or_fail() -> Any:
    if not CHROMIUM.is_file() and shutil.which("chromium") is None:
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run `apt-get install -y chromium` (Debian) or set CONSOLE_CHROMIUM",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("no Playwright: run `make setup` (requirements/dev.txt pins it)", pytrace=False)
    return sync_playwright


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalConsole]:
    log = tmp_path_factory.mktemp("console") / "moto.log"
    with local_console(None, port=free_port(), moto_log=log) as running:
        yield running


@pytest.fixture(scope="module")
def page(console: LocalConsole) -> Iterator[Any]:
    sync_playwright = _browser_or_fail()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")),
            args=CHROMIUM_ARGS,
        )
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        # Any script error or CSP violation fails the module; a 400 answer to a bad search is expected.
        expected = "the server responded with a status of 400"
        tab.on(
            "console",
            lambda msg: errors.append(msg.text) if msg.type == "error" and expected not in msg.text else None,
        )
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(console.url)
        yield tab
        browser.close()
        assert not errors, f"browser errors (CSP violations included): {errors}"


def search(page: Any, query: str) -> None:
    """Type like a person: focus with the "/" shortcut, type, press Enter; wait for the answer."""
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.fill("#q", query)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "q => document.getElementById('status').textContent.endsWith(' for ' + q)", arg=query
    )


def test_local_mode_is_labelled(page: Any) -> None:
    assert "LOCAL MODE, NO LOGIN" in page.locator("#mode").inner_text()


def test_suppressed_recipient_shows_listing_evidence_recommendation_and_command(
    page: Any, tmp_path: Path
) -> None:
    search(page, SUPPRESSED)
    page.screenshot(path=str(tmp_path / "suppressed.png"), full_page=True)
    results = page.locator("#results").inner_text()
    assert "ON THE SUPPRESSION LIST" in results  # badges are upper-cased words, readable without colour
    assert re.search(r"Reason\s+BOUNCE", results)
    assert re.search(r"Audit class\s+hard-bounce", results)
    assert "Bounce Permanent/General" in results  # the evidence: the bounce that listed it
    assert "Recommendation: keep: the mailbox rejected mail permanently" in results
    assert (
        f"scripts/audit_suppression.py --table ses-local-console-events --region us-east-1 "
        f"--address {SUPPRESSED} --remove hard-bounce" in results
    )
    # later sends were suppressed: the newest message says so in plain words
    assert "Latest mail: SUPPRESSED SES did not try to deliver" in results
    assert "BOUNCED" in results  # the first send, which listed it
    # the chart is there, with its text alternative
    assert page.locator(".chart svg[role=img]").count() == 1
    assert "Sends, bounces and complaints per day" in page.locator(".chart svg").get_attribute("aria-label")


def test_bounced_recipient_is_not_suppressed_and_says_why(page: Any, tmp_path: Path) -> None:
    search(page, BOUNCED)
    page.screenshot(path=str(tmp_path / "bounced.png"), full_page=True)
    results = page.locator("#results").inner_text()
    assert "BOUNCED" in results
    assert "refused the mail permanently" in results
    assert "NOT ON THE SUPPRESSION LIST" in results
    assert "Permanent/General" in results


def test_delivered_recipient_then_its_message_by_keyboard(page: Any, tmp_path: Path) -> None:
    search(page, DELIVERED)
    results = page.locator("#results").inner_text()
    assert "DELIVERED" in results
    assert "accepted the mail" in results
    assert "NOT ON THE SUPPRESSION LIST" in results
    # WHEN the person tabs to the first message link and presses Enter
    link = page.locator("#results article a").first
    message_id = link.inner_text()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "q => document.getElementById('status').textContent === 'Results for ' + q", arg=message_id
    )
    page.screenshot(path=str(tmp_path / "message.png"), full_page=True)
    # THEN the message view shows the recipient's status and the message-level engagement line
    results = page.locator("#results").inner_text()
    assert message_id in results and "DELIVERED" in results
    assert re.search(r"Opened\s+(yes|no open recorded)", results)


def test_bad_input_is_one_line(page: Any) -> None:
    search(page, "ref:order-1234")
    assert "not available" in page.locator("#results .error").inner_text()
