"""The review panel's rules as data: its stages with their time limits, and the eligibility
rules a matched closed case is checked against, each row with its source.

Why files: the panel's remit has already changed once (from cases closed before June 2013 to
all cases), and its operating details are not yet published (look_again.md section 6), so
the limits and rules must be changed by editing a reviewed file, not code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal

from tessera.errors import ConfigurationError

STAGES_FILE = "review_stages.csv"
RULES_FILE = "review_eligibility.csv"
FINAL_STAGES = ("closed", "withdrawn")
Route = Literal["csarp", "police_vrr", "cps_vrr"]
ROUTE_LABELS: dict[str, str] = {
    "csarp": "Child Sexual Abuse Review Panel (decision before 5 June 2013)",
    "police_vrr": "Police Victims' Right to Review",
    "cps_vrr": "CPS Victims' Right to Review",
}


@dataclass(frozen=True)
class Stage:
    """One stage of a request: what staff call it, what the person is told, its limit."""

    stage: str
    label: str
    person_label: str
    """What the person is told the stage is (the status page's heading)."""
    status_text: str
    days: int | None
    at_risk_days: int | None
    source: str


@dataclass(frozen=True)
class Clock:
    """Where a request stands against its stage's time limit."""

    due: datetime | None
    state: Literal["on_time", "at_risk", "overdue", "none"]


@dataclass(frozen=True)
class EligibilityRules:
    """The eligibility rules' values, and each as written with its source."""

    nfa_outcome_groups: tuple[str, ...]
    victim_under: int
    csarp_before: date
    extended_remit: bool
    cps_outcome_types: tuple[str, ...]
    written: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Eligibility:
    """One matched case checked against the rules: each rule's answer, the route, why."""

    eligible: bool
    route: Route | None
    reasons: tuple[str, ...]


def _rows(name: str, key: str) -> list[tuple[int, dict[str, str]]]:
    text = (resources.files(__package__) / name).read_text(encoding="utf-8")
    rows = list(enumerate(csv.DictReader(text.splitlines()), start=2))
    for line, row in rows:
        if not (row.get("source") or "").strip():
            raise ConfigurationError(f"{name} row {line}, field source: is empty")
        if not (row.get(key) or "").strip():
            raise ConfigurationError(f"{name} row {line}, field {key}: is empty")
    return rows


def _int(name: str, line: int, field: str, text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise ConfigurationError(f"{name} row {line}, field {field}: {text!r} is not a number "
                                 "of days")
    return int(text)


@cache
def stages() -> dict[str, Stage]:
    """Every stage by name, in order (review_stages.csv)."""
    found: dict[str, Stage] = {}
    for line, row in _rows(STAGES_FILE, "stage"):
        found[row["stage"]] = Stage(
            row["stage"], row["label"], row["person_label"], row["status_text"],
            _int(STAGES_FILE, line, "days", row["days"]),
            _int(STAGES_FILE, line, "at_risk_days", row["at_risk_days"]), row["source"])
    missing = {"received", "eligibility", "review", *FINAL_STAGES} - set(found)
    if missing:
        raise ConfigurationError(f"{STAGES_FILE}: no row for stage {sorted(missing)[0]}")
    return found


def clock(stage: str, since: datetime, now: datetime) -> Clock:
    """When a stage entered at `since` is due, and whether it is at risk or overdue now."""
    found = stages()[stage]
    if found.days is None:
        return Clock(None, "none")
    due = since + timedelta(days=found.days)
    if now > due:
        return Clock(due, "overdue")
    if due - now <= timedelta(days=found.at_risk_days or 0):
        return Clock(due, "at_risk")
    return Clock(due, "on_time")


@cache
def eligibility_rules() -> EligibilityRules:
    """The rules in review_eligibility.csv, checked (an error names the row and field)."""
    rows = _rows(RULES_FILE, "rule")
    values = {row["rule"]: (line, row["value"].strip()) for line, row in rows}
    needed = ("nfa_outcome_groups", "victim_under", "csarp_before", "extended_remit",
              "cps_outcome_types")
    for rule in needed:
        if rule not in values:
            raise ConfigurationError(f"{RULES_FILE}: no row for rule {rule}")
    line, under = values["victim_under"]
    age = _int(RULES_FILE, line, "value", under)
    line, before = values["csarp_before"]
    try:
        cutoff = date.fromisoformat(before)
    except ValueError:
        raise ConfigurationError(f"{RULES_FILE} row {line}, field value: {before!r} is not a "
                                 "date (YYYY-MM-DD)") from None
    line, remit = values["extended_remit"]
    if remit not in ("yes", "no"):
        raise ConfigurationError(f"{RULES_FILE} row {line}, field value: say yes or no")
    return EligibilityRules(
        nfa_outcome_groups=tuple(values["nfa_outcome_groups"][1].split(";")),
        victim_under=age or 18, csarp_before=cutoff, extended_remit=remit == "yes",
        cps_outcome_types=tuple(values["cps_outcome_types"][1].split(";")),
        written=tuple((row["rule"], row["value"], row["source"]) for _, row in rows))


def check_case(outcome_group: str, outcome_type: str, closed_on: date,
               victim_age: int | None) -> Eligibility:
    """Check one closed case against the rules: eligible or not, the route, and why."""
    rules = eligibility_rules()
    reasons: list[str] = []
    eligible = True
    if outcome_group in rules.nfa_outcome_groups:
        reasons.append("closed with no further action by the police or the CPS")
    else:
        eligible = False
        reasons.append(f"not closed with no further action (outcome group {outcome_group})")
    if victim_age is None:
        reasons.append("the victim's age at the time is not recorded: confirm it with them")
    elif victim_age < rules.victim_under:
        reasons.append(f"the victim was {victim_age}, under {rules.victim_under}, at the time")
    else:
        eligible = False
        reasons.append(f"the victim was {victim_age}, not under {rules.victim_under}")
    route: Route | None
    if closed_on < rules.csarp_before:
        route = "csarp"
        reasons.append(f"decided before {rules.csarp_before:%-d %B %Y}: the review panel")
    elif not rules.extended_remit:
        route = None
        eligible = False
        reasons.append(f"decided after {rules.csarp_before:%-d %B %Y}, outside the remit")
    else:
        route = "cps_vrr" if outcome_type in rules.cps_outcome_types else "police_vrr"
        reasons.append(f"decided after {rules.csarp_before:%-d %B %Y}: "
                       f"{ROUTE_LABELS[route]}")
    return Eligibility(eligible, route if eligible else None, tuple(reasons))
