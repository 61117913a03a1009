"""The reporting service in a real browser: Debian's Chromium, driven by Playwright, against a
real `tessera serve` process on a free loopback port.

A reporter files a report through the pages; the triage user of the child's local authority
sees it at the top of their queue (another authority's does not), decides on it, and the
timeline shows both events; the receipt checks out on the public page. Every page met on the
way is checked with axe-core for serious or critical accessibility violations. A second run
does it all with JavaScript off, including a transfer between areas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import serving_accounts
from tests.web.accounts import ACCOUNTS, LEEDS_POSTCODE, PASSWORD

pytestmark = pytest.mark.slow
"""A real server and Chromium: part of CI, not of the quick loop."""

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tessera serve` on a fresh SQLite casework file, with an account of every role."""
    with serving_accounts(tmp_path_factory, "serve") as base:
        yield base



class Visitor:
    """One person's browser session, checking each page it lands on with axe when asked.

    axe-core is added to every page as an init script, which the browser runs before the
    page and outside its Content-Security-Policy: a script tag added to the page would be
    refused by the policy, as any injected script should be. With JavaScript on, each page
    is also checked for CSP refusals and for GOV.UK Frontend having started every component
    (so the policy lets the service's own scripts run).
    """

    def __init__(self, context: BrowserContext, base: str, *, axe: bool) -> None:
        if axe:
            context.add_init_script(path=str(AXE))
        self.page: Page = context.new_page()
        self.base = base
        self.axe = axe
        self.checked: list[str] = []
        self.refused: list[str] = []
        self.page.on("console", lambda message: self.refused.append(message.text)
                     if "Content Security Policy" in message.text else None)

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.check()
        return self.page

    def press(self, name: str) -> Page:
        """Press a button or follow a link by its accessible name, then check the new page."""
        target = self.page.get_by_role("button", name=name, exact=True)
        if not target.count():
            target = self.page.get_by_role("link", name=name, exact=True)
        target.first.click()
        self.page.wait_for_load_state()
        self.check()
        return self.page

    def check(self) -> None:
        """No serious or critical axe-core violations on the page as it is now, nothing
        refused by the CSP, and every GOV.UK Frontend component started."""
        if not self.axe:
            return
        assert not self.refused, f"{self.page.url}: {self.refused}"
        assert self.page.evaluate("""() => document.body.classList.contains(
            'govuk-frontend-supported') && [...document.querySelectorAll('[data-module]')]
            .every(e => e.hasAttribute(`data-${e.dataset.module}-init`))"""), self.page.url
        result = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        bad = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in BLOCKING]
        assert not bad, f"{self.page.url} ({self.page.title()}): {bad}"
        self.checked.append(self.page.title())

    def sign_in(self, username: str) -> None:
        self.go("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.press("Sign in")
        expect(self.page.get_by_text(f"Signed in as {ACCOUNTS[username].display_name}")
               ).to_be_visible()

    def sign_out(self) -> None:
        self.press("Sign out")


def _file_report(reporter: Visitor, *, postcode: str, risk: str) -> tuple[str, str]:
    """Fill in every page of the report form as a reporter would; return reference and
    receipt. The first attempt at each of two pages is left incomplete, to see the errors."""
    page = reporter.go("/report")
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.fill("#reporter_role", "Class teacher")
    page.fill("#reporter_contact", "r.reporter@ashgrove.example")
    reporter.press("Continue")
    reporter.press("Continue")  # nothing filled in about the child: the errors show
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the child's date of birth or age")
    page.fill("#child_given_name", "Amy")
    page.fill("#child_family_name", "Smith")
    page.fill("#child_date_of_birth-day", "4")
    page.fill("#child_date_of_birth-month", "3")
    page.fill("#child_date_of_birth-year", "2014")
    page.fill("#child_postcode", postcode)
    page.fill("#child_setting", "Ash Grove Primary School")
    reporter.press("Continue")
    page.fill("#disclosure", "Amy said an older man she met online asked her to meet him.")
    page.fill("#occurred_when", "Last Tuesday")
    reporter.press("Continue")
    reporter.press("Continue")  # no answer to the yes/no question
    expect(page.locator("#immediate_risk-error")).to_contain_text("Select yes")
    page.get_by_label(risk, exact=True).check()
    reporter.press("Continue")
    expect(page.get_by_role("heading", name="Check your answers before sending your report")
           ).to_be_visible()
    expect(page.get_by_text("4 March 2014")).to_be_visible()
    reporter.press("Accept and send")
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    reference = page.locator("#reference").inner_text().strip()
    receipt = page.locator("#receipt").text_content() or ""
    assert json.loads(receipt)["reference"] == reference
    return reference, receipt


def _verify_receipt(visitor: Visitor, receipt: str) -> None:
    page = visitor.go("/receipts/verify")
    page.fill("#receipt", receipt)
    visitor.press("Check receipt")
    expect(page.get_by_role("heading", name="Receipt is valid")).to_be_visible()
    tampered = json.loads(receipt)
    tampered["issued_at"] = tampered["issued_at"].replace("20", "19", 1)
    page = visitor.go("/receipts/verify")
    page.fill("#receipt", json.dumps(tampered))
    visitor.press("Check receipt")
    expect(page.get_by_role("heading", name="Receipt is not valid")).to_be_visible()


def test_report_is_filed_triaged_and_its_receipt_verified(server: str,
                                                          browser: Browser) -> None:
    """The whole journey with JavaScript on, axe-checking every page on the way."""
    context = browser.new_context()
    person = Visitor(context, server, axe=True)
    person.go("/")
    person.press("Start now")  # not signed in yet: the sign-in page, then back to the form
    person.page.fill("#username", "reporter")
    person.page.fill("#password", "not the password")
    person.press("Sign in")
    expect(person.page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct username and password")
    person.page.fill("#password", PASSWORD)
    person.press("Sign in")
    reference, receipt = _file_report(person, postcode=LEEDS_POSTCODE, risk="Yes")
    download = person.page.locator("#receipt-download")
    with person.page.expect_download() as fetched:
        download.click()
    assert json.loads(Path(fetched.value.path()).read_text())["signature"] == json.loads(
        receipt)["signature"]
    person.sign_out()

    person.sign_in("triage_manchester")
    expect(person.page.get_by_role("heading", name="Reports to triage")).to_be_visible()
    expect(person.page.get_by_text(reference)).to_have_count(0)
    person.sign_out()

    person.sign_in("triage_leeds")
    first_row = person.page.locator("#queue tbody tr").first
    expect(first_row).to_contain_text(reference)
    expect(first_row).to_contain_text("Immediate risk")
    person.press(reference)
    expect(person.page.get_by_role("heading", name=f"Report {reference}")).to_be_visible()
    person.page.get_by_label("No further action", exact=True).check()
    person.press("Record decision")  # no reason given: refused, with the field marked
    expect(person.page.locator("#reason-error")).to_contain_text(
        "Give the reason for no further action")
    person.page.fill("#reason", "Known to children's social care; plan already in place.")
    person.press("Record decision")
    timeline = person.page.locator("ol[aria-labelledby=timeline] li")
    expect(timeline).to_have_count(2)
    expect(timeline.nth(0)).to_contain_text("Reported; routed to")
    expect(timeline.nth(1)).to_contain_text("No further action: Known to children's social")
    person.go("/triage")
    expect(person.page.get_by_text(reference)).to_have_count(0)
    person.go("/admin/read-log")  # a triage user cannot read the log
    expect(person.page.get_by_role("heading", name="You cannot use this page")).to_be_visible()
    person.sign_out()

    person.sign_in("administrator")
    expect(person.page.locator("table")).to_contain_text(reference)
    expect(person.page.locator("table")).to_contain_text("Lee Leeds")
    person.sign_out()

    _verify_receipt(person, receipt)
    person.go("/receipts/public-key")
    person.go("/no-such-page")
    assert len(person.checked) > 30
    context.close()


def test_everything_works_with_javascript_off(server: str, browser: Browser) -> None:
    """No JavaScript: the reporter files (no postcode, so the national queue), national
    triage transfers it to Leeds (the conditional fields simply show), Leeds sees it."""
    context = browser.new_context(java_script_enabled=False)
    person = Visitor(context, server, axe=False)
    person.sign_in("reporter")
    reference, receipt = _file_report(person, postcode="", risk="No")
    person.sign_out()

    person.sign_in("triage_national")
    person.press(reference)
    person.page.get_by_label("Transfer to another local authority", exact=True).check()
    person.page.select_option("#transfer_to", label="Leeds")
    person.press("Record decision")
    expect(person.page.get_by_text(reference)).to_have_count(0)
    person.sign_out()

    person.sign_in("triage_leeds")
    person.press(reference)
    timeline = person.page.locator("ol[aria-labelledby=timeline] li")
    expect(timeline.nth(1)).to_contain_text("Transferred from")
    person.sign_out()
    _verify_receipt(person, receipt)
    context.close()
