"""The recommendations tracker in a real browser (Debian's Chromium via Playwright) against a
real `tessera serve`: the public page with and without JavaScript, and an administrator
recording a status (a mistake first, to see the errors), every page checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import serving_accounts
from tests.e2e.test_browser import Visitor

pytestmark = pytest.mark.slow
"""A real server and Chromium: part of CI, not of the quick loop."""



@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tessera serve` on a fresh SQLite casework file, with an account of every role."""
    with serving_accounts(tmp_path_factory, "serve_tracker") as base:
        yield base


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_the_public_tracker_shows_every_recommendation(server: str, browser: Browser,
                                                       javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    visitor = Visitor(context, server, axe=javascript)
    page = visitor.go("/tracker")
    expect(page.get_by_role("heading", name="Recommendations tracker")).to_be_visible()
    expect(page.locator(".govuk-summary-card")).to_have_count(41)
    card = page.locator("#HMICFRS23-01")
    expect(card).to_contain_text("31 December 2024")
    expect(card.get_by_text("Overdue", exact=True)).to_be_visible()
    page.get_by_text("Status history of CASEY-04").click()  # <details> opens without JS too
    expect(page.locator("#CASEY-04")).to_contain_text("Hansard (Lords, 27 Jan 2026)")
    expect(page.locator("#indicator-problem_profiles + p + p")).to_contain_text(
        "Not published yet")  # a warehouse snapshot: 'tessera tracker publish' makes it
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the tracker as a spreadsheet (ODS)").click()
    assert download.value.suggested_filename == "tracker.ods"
    context.close()


def test_an_administrator_records_a_status(server: str, browser: Browser) -> None:
    context = browser.new_context()
    admin = Visitor(context, server, axe=True)
    admin.sign_in("administrator")
    page = admin.go("/tracker")
    page.locator("#HMICFRS23-04").get_by_role("link", name="Record a status").click()
    page.wait_for_load_state()
    admin.check()
    admin.press("Record status")  # nothing filled in: the errors name each field
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the status")
    expect(summary).to_contain_text("Enter the source of the status")
    admin.check()
    page.get_by_label("Complete", exact=True).check()
    page.fill("#status_date-day", "1")
    page.fill("#status_date-month", "5")
    page.fill("#status_date-year", "2026")
    page.fill("#status_text", "Every force's records system now flags group-based CSE.")
    page.fill("#source", "NPCC statement, 1 May 2026")
    admin.press("Record status")
    card = page.locator("#HMICFRS23-04")
    expect(card).to_contain_text("Every force's records system now flags group-based CSE.")
    expect(card.get_by_text("Overdue", exact=True)).to_have_count(0)
    context.close()
