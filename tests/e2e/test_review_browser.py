"""Review requests in a real browser (Debian's Chromium, Playwright) against `tessera serve`:
a victim asks for a review and follows it with the reference and secret; a review caseworker
takes it through acknowledgement and eligibility to an outcome and downloads a letter; the
victim then sees the outcome in plain words. Every page is checked with axe-core and for
"Exit this page"; the whole walk runs again with JavaScript off.

The match to a closed offence is written the way `tessera reviews match` writes it
(`record_matches`, as a review caseworker): the command itself, on a real warehouse, is
tested in tests/analysis/reviews/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from tessera.casework.models import User
from tessera.casework.review_casework import record_matches
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tests.e2e.test_browser import Visitor
from tests.served import running, settings
from tests.web.accounts import populate_accounts

pytestmark = pytest.mark.slow
"""A real server and Chromium: part of CI, not of the quick loop."""

MATCH = {"basis": "both", "force_code": "west-yorkshire", "crime_reference": "13/1/23",
         "ho_offence_code": "19D", "outcome_type": "15",
         "outcome_group": "evidential_difficulties", "closed_on": date(2023, 9, 1),
         "victim_age": 13, "suspects": 2}


@dataclass(frozen=True)
class Served:
    """The running service and the store it writes to."""

    base: str
    url: str
    folder: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`tessera serve` on a fresh SQLite casework file, with an account of every role."""
    folder = tmp_path_factory.mktemp("serve_reviews")
    url = f"sqlite:///{folder / 'casework.db'}"
    casework = Casework.open(url)
    populate_accounts(casework)
    casework.close()
    with running(settings(url, folder)) as service:
        yield Served(service.base, url, folder)



def _exit_link(person: Visitor) -> None:
    """GOV.UK's Exit this page is on the page, a real link away."""
    link = person.page.locator(".govuk-exit-this-page a")
    expect(link).to_have_attribute("href", "https://www.bbc.co.uk/weather")


def _ask(person: Visitor) -> tuple[str, str]:
    """Fill in every page of the request, leaving one page incomplete first to see its
    errors; return the reference and secret the confirmation shows."""
    page = person.go("/review-request")
    _exit_link(person)
    person.press("Start now")
    _exit_link(person)
    page.get_by_label("I am asking for a review of my own case").check()
    page.fill("#given_name", "Amy")
    page.fill("#family_name", "Smith")
    page.fill("#date_of_birth-day", "4")
    page.fill("#date_of_birth-month", "3")
    page.fill("#date_of_birth-year", "2010")
    person.press("Continue")
    _exit_link(person)
    person.press("Continue")  # nothing chosen: the errors show
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one safe way")
    assert page.title().startswith("Error:")
    page.get_by_role("checkbox", name="Email", exact=True).check()
    page.fill("#email", "amy@example.org")
    page.get_by_role("checkbox", name="Text message").check()
    page.fill("#phone", "07700 900982")
    page.fill("#times_to_avoid", "After 6pm")
    page.locator("#may_say_subject-2").check()
    person.press("Continue")
    page.select_option("#force_code", label="West Yorkshire Police")
    page.fill("#crime_reference", "13/1/23")
    page.fill("#happened_from_year", "2023")
    page.fill("#what_happened", "Men I met in town hurt me. The police stopped.")
    person.press("Continue")
    page.get_by_label("A decision by the police").check()
    page.fill("#review_reason", "I was never told why it stopped.")
    person.press("Continue")
    expect(page.get_by_role("heading", name="Check your answers before sending your request")
           ).to_be_visible()
    person.press("Send request")
    _exit_link(person)
    reference = page.locator("#reference").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    for private in ("Amy", "Smith", reference, secret):
        assert private not in page.url and private not in page.title()
    return reference, secret


def _check(person: Visitor, reference: str, secret: str) -> str:
    """The status page as the person sees it after entering their reference and secret."""
    page = person.go("/review-request/check")
    page.fill("#reference", reference)
    page.fill("#secret", secret)
    person.press("Check")
    _exit_link(person)
    assert reference not in page.url and secret not in page.url
    return page.locator("main").inner_text()


def _match(served: Served, reference: str) -> None:
    """What `tessera reviews match` writes for the request (see the module docstring)."""
    store = Casework.open(served.url, Signer.from_file(served.folder / "signing.key"))
    with store.session() as session:
        worker = session.scalar(select(User).where(User.username == "review_caseworker"))
        assert worker is not None
        record_matches(session, worker, reference, [MATCH])
    store.close()


def _take_to_outcome(person: Visitor, reference: str) -> None:
    """Queue, acknowledge, assign, eligibility (with a first try without reasons), outcome,
    and the outcome letter downloaded."""
    person.sign_in("review_caseworker")
    person.press("Review requests")
    person.press(reference)
    page = person.page
    expect(page.locator("#stage")).to_have_text("Acknowledge")
    person.press("Acknowledge request")
    person.press("Assign")
    expect(page.locator("#stage")).to_have_text("Eligibility decision")
    page.get_by_label("Yes, it is eligible").check()
    page.get_by_label("13/1/23", exact=False).check()
    person.press("Record eligibility decision")  # no reasons: refused at the field
    expect(page.locator(".govuk-error-summary")).to_contain_text("give the reasons".capitalize())
    page.get_by_label("Yes, it is eligible").check()
    page.get_by_label("13/1/23", exact=False).check()
    page.fill("#eligibility_reasons", "Closed with no further action in 2023; she was 13.")
    person.press("Record eligibility decision")
    expect(page.locator("#stage")).to_have_text("Review")
    page.get_by_label("Refer to the force for reinvestigation").check()
    page.fill("#outcome_reasons", "The suspects were never interviewed.")
    person.press("Record outcome")
    expect(page.locator("#outcome")).to_have_text("Refer to the force for reinvestigation")
    expect(page.locator("#history")).to_contain_text("holder of " + reference)
    page.get_by_label("Outcome of the review").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as text").click()
    letter = Path(download.value.path()).read_text(encoding="utf-8")
    assert "investigate it again" in letter and "A letter from Tessera" in letter
    assert download.value.suggested_filename == "outcome-letter.txt"
    person.sign_out()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_victim_asks_and_a_caseworker_takes_it_to_an_outcome(
        served: Served, browser: Browser, javascript: bool) -> None:
    """The whole walk, axe-clean with JavaScript on, and working with it off."""
    context = browser.new_context(java_script_enabled=javascript, accept_downloads=True)
    victim = Visitor(context, served.base, axe=javascript)
    reference, secret = _ask(victim)
    status = _check(victim, reference, secret)
    assert "We have your request" in status
    _match(served, reference)
    staff_context = browser.new_context(java_script_enabled=javascript, accept_downloads=True)
    caseworker = Visitor(staff_context, served.base, axe=javascript)
    _take_to_outcome(caseworker, reference)
    status = _check(victim, reference, secret)
    assert "The panel has finished" in status
    assert "asked the police force to investigate your case again" in status
    context.close()
    staff_context.close()
