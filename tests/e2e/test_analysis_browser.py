"""Problem profiles and performance in a real browser (Chromium, Playwright) against `tessera
serve`: a West Yorkshire analyst signs in, finds their force's profile from the start page,
reads its sections, sees its charts drawn (images that load under the pages' security policy)
with a table beside each, goes on to their force's performance page and its control charts,
and is refused Kent's profile and Lancashire's performance; a national analyst opens England
and Wales's. Once with JavaScript on, every page checked with axe-core for serious or critical
violations, and once with JavaScript off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import serving_accounts
from tests.e2e.test_browser import Visitor
from tests.web.analysis_data import publish_fixture_products

pytestmark = pytest.mark.slow
"""A real server and Chromium: part of CI, not of the quick loop."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tessera serve` with every account and the hand-made warehouses' profiles and
    performance framework published."""
    with serving_accounts(tmp_path_factory, "serve-analysis", publish_fixture_products) as base:
        yield base



def _charts_drawn(page: Page) -> int:
    """How many chart images the browser loaded and drew (a broken or blocked image has no
    natural width)."""
    count: int = page.evaluate("""() => Array.from(document.querySelectorAll('.tessera-chart img'))
        .filter(img => img.complete && img.naturalWidth > 0).length""")
    return count


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on, axe-checked",
                                                           "javascript off"])
def test_an_analyst_reads_their_forces_profile_and_performance_and_not_another(
        server: str, browser: Browser, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    person = Visitor(context, server, axe=javascript)
    person.sign_in("analyst")
    person.go("/")
    page = person.press("Read problem profiles")
    expect(page.get_by_role("heading", name="Problem profiles of group-based child sexual "
                            "exploitation")).to_be_visible()
    person.press("West Yorkshire Police")
    expect(page.get_by_role("heading", name="West Yorkshire Police", exact=True)).to_be_visible()
    expect(page.locator("#headlines")).to_contain_text("CSA offences")
    expect(page.get_by_role("heading", name="9. Intelligence gaps")).to_be_visible()
    person.press("2. Scale and trend")
    page.wait_for_load_state("load")
    assert _charts_drawn(page) == 3
    expect(page.locator("#trend-table")).to_contain_text("England and Wales")
    response = page.goto(f"{server}/profiles/kent")
    assert response is not None and response.status == 404
    person.check()

    page = person.go("/performance")
    person.press("West Yorkshire Police")
    expect(page.locator("#force_measures-table")).to_contain_text("P1")
    page.wait_for_load_state("load")
    charts = page.locator(".tessera-chart img").count()
    assert charts >= 3 and _charts_drawn(page) == charts
    response = page.goto(f"{server}/performance/lancashire")
    assert response is not None and response.status == 404
    person.check()
    person.sign_out()

    person.sign_in("national_analyst")
    page = person.go("/profiles")
    person.press("England and Wales")
    expect(page.get_by_role("heading", name="England and Wales", exact=True)).to_be_visible()
    page = person.go("/performance/lancashire")
    expect(page.get_by_role("heading", name="Lancashire Constabulary")).to_be_visible()
    person.sign_out()
    assert len(person.checked) >= (8 if javascript else 0)
    context.close()
