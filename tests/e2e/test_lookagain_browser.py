"""The look-again list in a real browser (Chromium, Playwright) against `tessera serve`: a West
Yorkshire analyst signs in, finds the list from the start page, sees their force's case and
opens it (its score explained, its evidence trail), records that it is referred for
reinvestigation (first leaving out the choice, to be told what to correct), and is refused a
Kent case; a national analyst filters to Kent. Once with JavaScript on, every page checked
with axe-core for serious or critical violations, and once with JavaScript off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import serving_accounts
from tests.e2e.test_browser import Visitor
from tests.web.lookagain_data import KENT_CASES, WY_CASE, publish_fixture_list

pytestmark = pytest.mark.slow
"""A real server and Chromium: part of CI, not of the quick loop."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tessera serve` with every account and the hand-made warehouse's look-again list
    published."""
    with serving_accounts(tmp_path_factory, "serve-look-again", publish_fixture_list) as base:
        yield base



@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on, axe-checked",
                                                           "javascript off"])
def test_an_analyst_sees_their_forces_list_and_not_another(server: str, browser: Browser,
                                                           javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    person = Visitor(context, server, axe=javascript)
    person.sign_in("analyst")
    person.go("/")
    page = person.press("See closed cases to look at again")
    expect(page.get_by_role("heading", name="Closed cases to look at again")).to_be_visible()
    expect(page.locator("#cases")).to_contain_text("1 case: West Yorkshire Police")
    expect(page.get_by_text("Published", exact=False).first).to_be_visible()
    for key in KENT_CASES:
        expect(page.get_by_text(key)).to_have_count(0)
    person.press(WY_CASE)
    expect(page.get_by_role("heading", name=f"Case {WY_CASE}")).to_be_visible()
    expect(page.locator("#score")).to_contain_text("Suspect in a later offence")
    expect(page.locator("#evidence")).to_contain_text("2017-01-01")
    person.press("Record the decision")  # nothing chosen: what to correct, linked
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select what you decided about this case")
    page.get_by_label("Referred for reinvestigation").check()
    page.get_by_label("Why").fill(f"Charged in Kent since; reopen ({javascript=}).")
    person.press("Record the decision")
    expect(page.locator("#decisions-table")).to_contain_text(f"reopen ({javascript=})")
    response = page.goto(f"{server}/look-again/cases/{KENT_CASES[0]}")
    assert response is not None and response.status == 404
    person.check()
    expect(page.get_by_text(KENT_CASES[0])).to_have_count(0)
    person.sign_out()

    person.sign_in("national_analyst")
    page = person.go("/look-again")
    page.select_option("#force", label="Kent Police")
    person.press("Show")
    expect(page.locator("#cases")).to_contain_text("2 cases: Kent Police")
    expect(page.get_by_text(WY_CASE)).to_have_count(0)
    person.sign_out()
    assert len(person.checked) >= (8 if javascript else 0)
    context.close()
