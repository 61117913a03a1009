"""The report form as a browser without JavaScript meets it: page by page, errors by field,
check your answers, one report per press of "Accept and send", and the receipt."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from tessera.casework.models import ReadLogEntry
from tessera.casework.receipts import Receipt, verify_receipt
from tessera.casework.text import HIDDEN_CHARACTERS
from tessera.web.rendering import REFUSED
from tests.web.accounts import LEEDS_POSTCODE
from tests.web.conftest import Site

ANSWERS = {
    "reporter_role": "Class teacher", "reporter_organisation": "Ash Grove Primary School",
    "reporter_contact": "r.reporter@ashgrove.example", "child_given_name": "Amy",
    "child_family_name": "Smith", "child_date_of_birth-day": "4",
    "child_date_of_birth-month": "3", "child_date_of_birth-year": "2014",
    "child_age": "", "child_postcode": LEEDS_POSTCODE, "child_setting": "",
    "disclosure": "Amy said a man she met online asked to meet her.",
    "occurred_when": "Last Tuesday", "alleged_person": "", "immediate_risk": "yes",
}


def _heading(html: str) -> str:
    found = re.search(r'<h1 class="govuk-heading-l">([^<]+)</h1>', html) or re.search(
        r'<h1 class="govuk-fieldset__heading">\s*([^<]+?)\s*</h1>', html)
    assert found, html[:2000]
    return found.group(1)


def _summary(html: str) -> list[str]:
    """The error summary's messages and where each link goes."""
    return re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', html.split(
        "govuk-error-summary__list")[1].split("</ul>")[0]) if "govuk-error-summary" in html \
        else []


def _post(site: Site, path: str, **data: Any) -> Any:
    client, token = site.client("reporter")
    return client.post(path, data={"csrf_token": token, **data})


def test_the_form_starts_with_the_reporters_organisation(site: Site) -> None:
    """GET /report is the first page, with the organisation from the account."""
    page = site.client("reporter")[0].get("/report")
    assert page.status_code == 200 and _heading(page.text) == "About you"
    assert 'value="Ash Grove Primary School"' in page.text


def test_each_page_shows_only_its_own_errors_linked_to_their_fields(site: Site) -> None:
    """An empty child page: its messages, in page order, linking to the inputs (the day box
    for the date), and nothing about questions on later pages."""
    page = _post(site, "/report/child", **{k: ANSWERS[k] for k in (
        "reporter_role", "reporter_organisation", "reporter_contact")})
    assert page.status_code == 400
    assert _heading(page.text) == "About the child"
    assert "<title>Error: About the child" in page.text
    assert _summary(page.text) == [
        ("#child_given_name", "Enter the child&#39;s first name"),
        ("#child_family_name", "Enter the child&#39;s last name"),
        ("#child_date_of_birth-day", "Enter the child&#39;s date of birth or age"),
    ]
    assert 'id="child_given_name-error"' in page.text


def test_a_date_that_is_not_real_is_refused(site: Site) -> None:
    """31 February: the casework model's message, next to the date."""
    page = _post(site, "/report/child", **{**ANSWERS, "child_date_of_birth-day": "31",
                                           "child_date_of_birth-month": "2"})
    assert page.status_code == 400
    assert _summary(page.text)[0][0] == "#child_date_of_birth-day"


def test_the_answers_ride_along_to_the_check_page_and_one_report_is_filed(site: Site) -> None:
    """Pages in order, then check your answers; sending twice with the page's key files one
    report, whose receipt verifies and downloads."""
    answers = dict(ANSWERS)
    page = _post(site, "/report/you", **{k: answers[k] for k in (
        "reporter_role", "reporter_organisation", "reporter_contact")})
    assert _heading(page.text) == "About the child"
    assert 'name="reporter_contact" value="r.reporter@ashgrove.example"' in page.text
    for step, next_heading in (("child", "What you know"),
                               ("concern", "Is the child at immediate risk of harm?")):
        page = _post(site, f"/report/{step}", **answers)
        assert page.status_code == 200 and _heading(page.text) == next_heading
    check = _post(site, "/report/risk", **answers)
    assert _heading(check.text) == "Check your answers before sending your report"
    assert "4 March 2014" in check.text and LEEDS_POSTCODE in check.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', check.text)
    assert key
    sent = _post(site, "/report/send", **answers, idempotency_key=key.group(1))
    again = _post(site, "/report/send", **answers, idempotency_key=key.group(1))
    reference = re.search(r'id="reference">([^<]+)<', sent.text)
    assert reference and reference.group(1) in again.text
    client, _ = site.client("reporter")
    download = client.get(f"/report/{reference.group(1)}/receipt.json")
    assert download.headers["content-disposition"].startswith("attachment")
    receipt = Receipt.from_json(download.text)
    assert verify_receipt(receipt, site.signer.keyring)
    assert receipt.to_json().replace("&#34;", '"') in sent.text.replace("&#34;", '"')


def test_change_from_the_check_page_comes_back_to_it(site: Site) -> None:
    """"Change" shows that page with the answers; continuing returns to the check page."""
    page = _post(site, "/report/change", **ANSWERS, step="concern")
    assert _heading(page.text) == "What you know"
    assert 'name="returning" value="yes"' in page.text
    back = _post(site, "/report/concern", **{**ANSWERS, "occurred_when": "Yesterday"},
                 returning="yes")
    assert _heading(back.text) == "Check your answers before sending your report"
    assert "Yesterday" in back.text


def test_sending_with_a_page_unanswered_goes_back_to_that_page(site: Site) -> None:
    """A tampered or incomplete send is not filed: the first page with a problem is shown."""
    page = _post(site, "/report/send", **{**ANSWERS, "immediate_risk": ""},
                 idempotency_key="incomplete")
    assert page.status_code == 400
    assert "immediate risk" in _heading(page.text)


@pytest.mark.parametrize(("field", "step", "value"), [
    ("child_given_name", "child", "Amy\x00"), ("disclosure", "concern", "She said\x1b[0m"),
], ids=["NUL in a name", "escape in the disclosure"])
def test_hidden_characters_in_an_answer_get_a_field_error(site: Site, field: str, step: str,
                                                          value: str) -> None:
    """The page again, with the message at that answer, on both backends (no 500)."""
    page = _post(site, f"/report/{step}", **{**ANSWERS, field: value})
    assert page.status_code == 400
    assert (f"#{field}", HIDDEN_CHARACTERS) in _summary(page.text)


def test_a_receipt_is_refused_alike_whoever_asks_for_what(site: Site) -> None:
    """Another reporter's report, a reference that does not exist and one that is not a
    reference: the same 404 page, and each attempt in the read log."""
    client, _ = site.client("other_reporter")
    answers = {(r.status_code, r.text) for r in (
        client.get(f"/report/{reference}/receipt.json")
        for reference in (site.leeds_report, "TSR-0000000000", "%00"))}
    assert len(answers) == 1 and next(iter(answers))[0] == 404
    with site.casework.reading() as session:
        logged = session.scalars(select(ReadLogEntry.record_id).where(
            ReadLogEntry.actor == "other_reporter", ReadLogEntry.purpose == REFUSED)).all()
    assert site.leeds_report in logged and "TSR-0000000000" in logged
