"""Which closed cases are eligible for the look-again list: the rules file, read and checked.

Why a file: the list serves Operation Beaconport now (no further action between 2010 and
March 2025, group-based, at least two suspects), but the Child Sexual Abuse Review Panel and
victims' right to review select cases by other dates and numbers. The rules themselves are
`eligible_case.sql`; the file sets their values, each with its rationale, and
`beaconport_rules.csv` is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tessera.analysis.lookagain.datafile import DataRow, read_file
from tessera.dataset.codelists import codelist

DEFAULT_RULES = "beaconport_rules.csv"
RULE_NAMES: tuple[str, ...] = ("nfa_outcome_groups", "decided_from", "decided_to",
                               "min_suspects", "group_based")
"""The rules `eligible_case.sql` applies, each set by one row of the rules file."""
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class EligibilityRules:
    """The values of the eligibility rules, and each rule's row as written (for the report)."""

    nfa_outcome_groups: tuple[str, ...]
    decided_from: date
    decided_to: date
    min_suspects: int
    group_based: bool
    source: str
    written: tuple[tuple[str, str, str], ...]
    """(rule, value, rationale) as in the file, in file order."""

    def params(self) -> dict[str, Any]:
        """The rules as the bound parameters of `eligible_case.sql`."""
        return {"nfa_outcome_groups": list(self.nfa_outcome_groups),
                "decided_from": self.decided_from, "decided_to": self.decided_to,
                "min_suspects": self.min_suspects, "group_based": self.group_based}


def load_rules(path: Path | None = None) -> EligibilityRules:
    """The rules in `path` (Beaconport's when None).

    Raises `ConfigurationError` naming the file, row and field of the first wrong value.
    """
    file = read_file(path, DEFAULT_RULES, "rule", "value")
    values = file.one_row_each("rule", RULE_NAMES, _rule_value)
    decided_from, decided_to = values["decided_from"], values["decided_to"]
    if decided_to < decided_from:
        row = next(r for r in file.rows if r.value("rule") == "decided_to")
        raise row.error("value", f"{decided_to} is before decided_from {decided_from}")
    return EligibilityRules(
        nfa_outcome_groups=values["nfa_outcome_groups"], decided_from=decided_from,
        decided_to=decided_to, min_suspects=values["min_suspects"],
        group_based=values["group_based"], source=file.source,
        written=tuple((r.value("rule"), r.value("value"), r.value("rationale"))
                      for r in file.rows))


def _rule_value(rule: str, row: DataRow) -> Any:
    """The value of `rule` read from its row, as `eligible_case.sql` binds it."""
    return PARSERS[rule](row)


def _outcome_groups(row: DataRow) -> tuple[str, ...]:
    known = codelist("outcome_groups").codes
    groups = tuple(g.strip() for g in row.value("value").split(";") if g.strip())
    unknown = [g for g in groups if g not in known]
    if unknown:
        raise row.error("value", f"unknown outcome group {', '.join(unknown)}; the groups of "
                                 f"outcome_groups.csv are {', '.join(known)}")
    return groups


def _date(row: DataRow) -> date:
    try:
        return date.fromisoformat(row.value("value"))
    except ValueError as exc:
        raise row.error("value", f"{row.value('value')!r} is not a date (YYYY-MM-DD)") from exc


def _count(row: DataRow) -> int:
    text = row.value("value")
    if not text.isdigit() or int(text) < 1:
        raise row.error("value", f"{text!r} is not a whole number of at least 1")
    return int(text)


def _yes_no(row: DataRow) -> bool:
    text = row.value("value").lower()
    if text not in YES_NO:
        raise row.error("value", f"{text!r} is not yes or no")
    return YES_NO[text]


PARSERS: dict[str, Callable[[DataRow], Any]] = {
    "nfa_outcome_groups": _outcome_groups, "decided_from": _date, "decided_to": _date,
    "min_suspects": _count, "group_based": _yes_no}
"""How each rule's value is read."""
