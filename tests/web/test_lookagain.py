"""The look-again pages: a force analyst's own force's list, a national analyst's every force
with a filter, a case's explained score and evidence trail, another force's case refused, and
every view (and refusal) in the read log, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tessera.casework.publications import publications
from tests.web.conftest import Site, reads
from tests.web.lookagain_data import KENT_CASES, WY_CASE, publish_fixture_list


def test_an_analyst_sees_their_forces_list_with_where_it_came_from(site: Site) -> None:
    """West Yorkshire's one case, linked to its page; no Kent case; the publication's time,
    publisher and provenance; the view logged."""
    client, _ = site.client("analyst")
    before = len(reads(site, "analyst", "look_again"))
    page = client.get("/look-again")
    assert page.status_code == 200
    assert f'href="/look-again/cases/{WY_CASE}"' in page.text
    assert not any(key in page.text for key in KENT_CASES)
    assert "1 case: West Yorkshire Police" in page.text
    assert "web tests" in page.text and "No data has been loaded" in page.text
    assert 'name="force"' not in page.text  # only national analysts filter by force
    logged = reads(site, "analyst", "look_again")
    assert len(logged) == before + 1
    assert re.fullmatch(r"publication \d+, west-yorkshire", logged[0][1])
    assert logged[0][0] == "look_again_list"


def test_a_case_page_explains_the_score_and_shows_the_trail(site: Site) -> None:
    """Every feature with its weight, items and points; the rules met; each item of evidence
    with its date and agency; the view logged with the case's key."""
    client, _ = site.client("analyst")
    page = client.get(f"/look-again/cases/{WY_CASE}")
    assert page.status_code == 200
    for label in ("Suspect in a later offence", "Another victim names the suspect",
                  "Suspect&#39;s community has someone charged"):
        assert label in page.text
    assert "How the score is made" in page.text and "Evidence trail" in page.text
    assert "min_suspects: 2 suspects" in page.text
    assert "2017-01-01" in page.text and "Kent Police" in page.text  # later offence, in Kent
    assert "Leeds" in page.text  # the victim's later referral, from Leeds children's services
    assert "15: " in page.text  # the outcome, with its label
    assert reads(site, "analyst", "look_again")[0][:2] == (
        "look_again_entry", f"{WY_CASE} (publication {_latest(site)})")


def test_another_forces_case_is_refused_and_the_attempt_logged(site: Site) -> None:
    client, _ = site.client("analyst")
    page = client.get(f"/look-again/cases/{KENT_CASES[0]}")
    assert page.status_code == 404
    assert KENT_CASES[0] not in page.text.replace(f"/look-again/cases/{KENT_CASES[0]}", "")
    assert reads(site, "analyst", "look_again")[0][:2] == ("look_again_entry", KENT_CASES[0])
    listed = client.get("/look-again?force=kent")
    assert listed.status_code == 403 and KENT_CASES[0] not in listed.text


def test_a_key_that_cannot_be_one_is_refused_like_any_other(site: Site) -> None:
    """Too long for the read log, or holding a NUL: 404, and the attempt logged, never 500."""
    client, _ = site.client("national_analyst")
    for key in ("x" * 5000, "a%00b"):
        page = client.get(f"/look-again/cases/{key}")
        assert page.status_code == 404, key
    logged = [r[:2] for r in reads(site, "national_analyst", "look_again")[:2]]
    assert logged[0] == ("look_again_entry", "'a\\x00b'")
    assert logged[1][1].startswith("'xxx") and len(logged[1][1]) == 200


def test_a_national_analyst_sees_every_force_and_filters_by_one(site: Site) -> None:
    client, _ = site.client("national_analyst")
    every = client.get("/look-again")
    assert every.status_code == 200
    assert all(key in every.text for key in (WY_CASE, *KENT_CASES))
    assert '<option value="kent">Kent Police</option>' in every.text
    kent = client.get("/look-again?force=kent")
    assert "2 cases: Kent Police" in kent.text and WY_CASE not in kent.text
    assert '<option value="kent" selected>Kent Police</option>' in kent.text
    assert client.get(f"/look-again/cases/{KENT_CASES[1]}").status_code == 200
    unknown = client.get("/look-again?force=atlantis")
    assert unknown.status_code == 404 and "no police force" in unknown.text


def test_the_latest_publication_is_shown_saying_what_it_replaced(site: Site) -> None:
    first = _latest(site)
    publish_fixture_list(site.casework)
    client, _ = site.client("analyst")
    page = client.get("/look-again")
    second = _latest(site)
    assert second > first
    assert f"publication {second}, replacing publication {first}" in page.text


def test_the_start_page_links_analysts_to_the_list(site: Site) -> None:
    link = "See closed cases to look at again"
    assert link in site.client("analyst")[0].get("/").text
    assert link in site.client("national_analyst")[0].get("/").text
    assert link not in site.client("reporter")[0].get("/").text
    assert link not in site.client(None)[0].get("/").text


def test_an_analyst_records_a_referral_and_sees_it_on_the_case(site: Site) -> None:
    """A West Yorkshire analyst refers their case with a reason: 303 back to the case, which
    lists the decision with who made it; the case read again and logged for the decision;
    the row chained into the ledger (the store verifies); the referral counted for P12."""
    from tessera.casework.lookagain_decisions import referrals_made
    from tessera.casework.verification import verify_ledger

    client, token = site.client("analyst")
    sent = client.post(f"/look-again/cases/{WY_CASE}/decision", data={
        "csrf_token": token, "decision": "refer",
        "reason": "The suspect was charged in Kent since; ask the MIT to reopen."},
        follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/look-again/cases/{WY_CASE}#decisions"
    page = client.get(f"/look-again/cases/{WY_CASE}")
    shown = page.text[page.text.index('id="decisions"'):]
    assert "Referred for reinvestigation" in shown and "ask the MIT to reopen" in shown
    assert reads(site, "analyst", "look_again")[1][2].startswith("look-again: recorded a")
    with site.casework.reading() as session:
        assert (("west-yorkshire", "refer") in
                {(force, "refer") for force, _ in referrals_made(session)})
        check = verify_ledger(session, site.casework.signer.keyring)
        assert check.ok, check.problem


def test_a_decision_with_something_missing_shows_what_to_correct(site: Site) -> None:
    """No decision chosen and no reason: 400, the case again with an error summary linking
    both fields, nothing recorded."""
    client, token = site.client("analyst")
    before = _decisions(site)
    page = client.post(f"/look-again/cases/{WY_CASE}/decision",
                       data={"csrf_token": token, "reason": " "})
    assert page.status_code == 400
    assert 'href="#decision"' in page.text and 'href="#reason"' in page.text
    assert "Select what you decided about this case" in page.text
    assert _decisions(site) == before


def test_a_decision_on_another_forces_case_or_without_the_token_is_refused(
        site: Site) -> None:
    """Kent's case is answered as if there were none (404) and the attempt logged; a form
    without the CSRF token is refused (403); neither records anything."""
    client, token = site.client("analyst")
    before = _decisions(site)
    kent = client.post(f"/look-again/cases/{KENT_CASES[0]}/decision", data={
        "csrf_token": token, "decision": "refer", "reason": "not mine"})
    assert kent.status_code == 404 and "not mine" not in kent.text
    assert reads(site, "analyst", "look_again")[0][:2] == ("look_again_entry", KENT_CASES[0])
    forged = client.post(f"/look-again/cases/{WY_CASE}/decision", data={
        "decision": "refer", "reason": "forged"})
    assert forged.status_code == 403
    assert _decisions(site) == before


def _decisions(site: Site) -> int:
    from sqlalchemy import func, select

    from tessera.casework.models import LookAgainDecision

    with site.casework.reading() as session:
        return int(session.scalar(select(func.count()).select_from(LookAgainDecision)) or 0)


def _latest(site: Site) -> int:
    with site.casework.reading() as session:
        return publications(session, "look_again")[0].publication_id
