"""The panel's stages and eligibility rules, read from their CSV files: time limits that show
when a stage is at risk or overdue, and each rule's answer and route for a closed case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tessera.casework.review_rules import (
    check_case,
    clock,
    eligibility_rules,
    stages,
)

SINCE = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(("stage", "after", "state"), [
    ("received", timedelta(days=1), "on_time"),
    ("received", timedelta(days=3, hours=1), "at_risk"),
    ("received", timedelta(days=5, minutes=1), "overdue"),
    ("eligibility", timedelta(days=14), "on_time"),
    ("eligibility", timedelta(days=16), "at_risk"),
    ("review", timedelta(days=91), "overdue"),
    ("closed", timedelta(days=400), "none"),
], ids=lambda value: str(value))
def test_a_stage_is_at_risk_near_its_limit_and_overdue_past_it(
        stage: str, after: timedelta, state: str) -> None:
    """Received: 5 days, at risk in the last 2; eligibility: 20, at risk in the last 5."""
    assert clock(stage, SINCE, SINCE + after).state == state


def test_every_stage_and_rule_says_where_it_comes_from() -> None:
    """No limit or rule without its source, and the person is told each stage plainly."""
    for stage in stages().values():
        assert stage.source.strip() and stage.person_label.strip() and stage.status_text
    for _, value, source in eligibility_rules().written:
        assert value and "look_again.md" in source


@pytest.mark.parametrize(("case", "eligible", "route"), [
    (("evidential_difficulties", "15", date(2023, 9, 1), 13), True, "police_vrr"),
    (("not_in_public_interest", "9", date(2019, 2, 1), 15), True, "cps_vrr"),
    (("evidential_difficulties_victim", "16", date(2011, 5, 1), 14), True, "csarp"),
    (("evidential_difficulties", "15", date(2013, 6, 5), None), True, "police_vrr"),
    (("charge_summons", "1", date(2023, 9, 1), 13), False, None),
    (("evidential_difficulties", "15", date(2023, 9, 1), 19), False, None),
], ids=["police decision after 2013", "CPS decision", "before June 2013: the panel",
        "age not recorded: ask", "charged", "adult at the time"])
def test_each_closed_case_gets_its_answer_and_route(
        case: tuple[str, str, date, int | None], eligible: bool, route: str | None) -> None:
    """The no-further-action, under-18 and date rules, and the route each case takes."""
    checked = check_case(*case)
    assert (checked.eligible, checked.route) == (eligible, route), checked.reasons
    assert len(checked.reasons) == 3
