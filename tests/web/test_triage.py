"""Triage pages: the area's queue (immediate risk first), the report, decisions, timeline."""

from __future__ import annotations

import re

import pytest
from httpx import Response
from sqlalchemy import select

from tessera.casework.models import ReadLogEntry
from tessera.casework.text import HIDDEN_CHARACTERS
from tessera.web.rendering import REFUSED
from tests.web.conftest import Site


def _queue(site: Site, username: str) -> list[str]:
    page = site.client(username)[0].get("/triage")
    assert page.status_code == 200
    return re.findall(r'href="/triage/(TSR-[0-9A-Z]+)"', page.text)


def _decide(site: Site, username: str, reference: str, **form: str) -> Response:
    client, token = site.client(username)
    return client.post(f"/triage/{reference}/decision", data={"csrf_token": token, **form},
                       follow_redirects=True)


def test_the_queue_is_the_areas_with_immediate_risk_first(site: Site) -> None:
    """Leeds sees Leeds reports, urgent ones at the top; Manchester sees none of them; the
    police force covering Leeds sees them too; national triage sees the national queue."""
    urgent_later = site.file("other_reporter", immediate_risk=True)
    leeds = _queue(site, "triage_leeds")
    assert leeds.index(site.leeds_report) < leeds.index(urgent_later)
    assert all(leeds.index(urgent_later) < leeds.index(r) for r in leeds
               if r not in (site.leeds_report, urgent_later))
    assert site.leeds_report not in _queue(site, "triage_manchester")
    assert site.leeds_report in _queue(site, "triage_force")
    national = _queue(site, "triage_national")
    assert site.national_report in national and site.leeds_report not in national


def test_no_further_action_needs_a_reason_next_to_its_field(site: Site) -> None:
    """Refused without a reason (400, error at the reason box); then recorded, on the
    timeline with who decided, and gone from the queue."""
    reference = site.file("reporter")
    page = _decide(site, "triage_leeds", reference, outcome="no_further_action")
    assert page.status_code == 400
    text = page.text
    assert '<a href="#reason">Give the reason for no further action</a>' in text
    assert 'id="reason-error"' in text
    page = _decide(site, "triage_leeds", reference, outcome="no_further_action",
                   reason="Already known; plan in place.")
    text = page.text
    assert "No further action: Already known; plan in place." in text
    assert "Lee Leeds" in text and 'action="/triage/' not in text  # decided: no form
    assert reference not in _queue(site, "triage_leeds")


def test_an_outcome_must_be_chosen(site: Site) -> None:
    """No radio selected: the GOV.UK message on the outcome question."""
    page = _decide(site, "triage_leeds", site.leeds_report)
    assert page.status_code == 400
    assert '<a href="#outcome">Select what happens next with this report</a>' in (
        page.text)


def test_a_transfer_moves_the_report_to_the_other_areas_queue(site: Site) -> None:
    """A transfer needs the authority (error at the select); then the report leaves Leeds's
    queue for Manchester's, and the timeline says so."""
    reference = site.file("reporter")
    page = _decide(site, "triage_leeds", reference, outcome="transfer")
    assert page.status_code == 400
    assert 'href="#transfer_to"' in page.text
    _decide(site, "triage_leeds", reference, outcome="transfer", transfer_to="E08000003")
    assert reference not in _queue(site, "triage_leeds")
    assert reference in _queue(site, "triage_manchester")
    report = site.client("triage_manchester")[0].get(f"/triage/{reference}")
    assert "Transferred from Leeds to Manchester" in report.text


@pytest.mark.parametrize("route", ["page", "decision"])
def test_another_areas_report_and_a_made_up_one_get_the_same_answer(site: Site,
                                                                    route: str) -> None:
    """Leeds's report opened from Manchester, a reference that does not exist and text that
    is not a reference at all (a NUL, bytes that are not UTF-8): the same 404 and the same
    page, none of the report's details, and every attempt in the read log."""
    client, token = site.client("triage_manchester")
    tried = [site.leeds_report, "TSR-0000000000", "%00", "%ED%A0%80"]
    answers = set()
    for reference in tried:
        if route == "page":
            response = client.get(f"/triage/{reference}")
        else:
            response = client.post(f"/triage/{reference}/decision", data={
                "csrf_token": token, "outcome": "both"})
        answers.add((response.status_code, response.text))
    assert len(answers) == 1
    status, text = answers.pop()
    assert status == 404 and "there is no report with this reference" in text
    assert "Amy" not in text
    with site.casework.reading() as session:
        logged = session.execute(select(ReadLogEntry.record_id).where(
            ReadLogEntry.actor == "triage_manchester", ReadLogEntry.purpose == REFUSED)
            .order_by(ReadLogEntry.id.desc()).limit(len(tried))).scalars().all()
    assert logged[::-1][:2] == [site.leeds_report, "TSR-0000000000"]
    assert logged[::-1][2] == ascii("\x00")


def test_hidden_characters_in_a_reason_get_a_field_error(site: Site) -> None:
    """A NUL in the reason box: the message at that box, on both backends; nothing decided."""
    reference = site.file("reporter")
    page = _decide(site, "triage_leeds", reference, outcome="no_further_action",
                   reason="Known\x00")
    assert page.status_code == 400
    assert f'<a href="#reason">{HIDDEN_CHARACTERS}</a>' in page.text
    assert reference in _queue(site, "triage_leeds")
