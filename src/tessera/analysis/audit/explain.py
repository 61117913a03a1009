"""`tessera audit --explain CRIME_REF`: why one offence is, or is not, in each audit category.

Why: an analyst or a force disputing a figure must be able to take one crime and see the facts
the rules read and which rule decided. The facts and rule results come from the same
`offence_category` step the tables count, so the explanation cannot disagree with the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from tessera.analysis.audit.queries import audit_sql
from tessera.analysis.audit.rules import (
    CATEGORY_LABELS,
    CATEGORY_RULES,
    network_params,
    rule_text,
)
from tessera.analysis.audit.service import require_warehouse
from tessera.dataset import codelist
from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine

RULE_RESULT_COLUMNS: dict[str, str] = {
    "csa_offence": "is_csa",
    "more_than_one_perpetrator": "more_than_one_perpetrator",
    "intra_familial": "rule_intra_familial",
    "institutional": "rule_institutional",
    "group_based_cse": "rule_group_based_cse",
    "online": "rule_online",
}
"""Rules whose result is a column of `offence_category`; the other two follow from the category."""


@dataclass(frozen=True)
class RuleCheck:
    """One rule applied to one offence: whether it matched and whether it set the category."""

    rule: str
    text: str
    matched: bool
    decided: bool


@dataclass(frozen=True)
class NetworkAssociation:
    """One association through the network graph that places the offence in the network count
    of group-based CSE: which perpetrator, with whom (pseudonymous keys), how, when and on
    whose word."""

    kind: str
    person_key: str
    other_person_key: str
    seen_on: date | None
    source: str
    via: str


@dataclass(frozen=True)
class ExplainedOffence:
    """One offence with the crime reference asked about, in one force."""

    agency_code: str
    force_code: str
    force_label: str
    facts: tuple[tuple[str, str], ...]
    checks: tuple[RuleCheck, ...]
    category: str
    category_label: str
    counted: bool
    online: bool
    network: tuple[NetworkAssociation, ...] = ()
    network_rule: str = field(default_factory=lambda: rule_text("network_group"))


@dataclass(frozen=True)
class OffenceExplanation:
    """Every offence found for a crime reference (it may be reused across forces)."""

    crime_ref: str
    offences: tuple[ExplainedOffence, ...]


def explain_offence(engine: Engine, crime_ref: str) -> OffenceExplanation:
    """Explain how the audit categorises the offence(s) with crime reference `crime_ref`.

    The reference is matched exactly in the identity zone; if several forces use it, each
    offence is explained. Raises `AnalysisError` naming `crime_ref` when no offence has it.
    """
    require_warehouse(engine)
    if not engine.table_exists("identity", "offence"):
        raise AnalysisError("the warehouse has no identity.offence; run 'tessera ingest' first")
    rows = engine.rows(audit_sql("explain"), {"crime_ref": crime_ref})
    if not rows:
        raise AnalysisError(f"no offence has crime reference {crime_ref!r} in the warehouse")
    network = _network_associations(engine, crime_ref)
    return OffenceExplanation(crime_ref=crime_ref, offences=tuple(
        replace(_explained(row), network=network.get(row["record_key"], ())) for row in rows))


def _network_associations(engine: Engine, crime_ref: str
                          ) -> dict[str, tuple[NetworkAssociation, ...]]:
    """The associations of each offence with `crime_ref`, by its record key, from the same
    `network_association` step the network count reads."""
    found: dict[str, list[NetworkAssociation]] = {}
    for row in engine.rows(audit_sql("explain_network"),
                           {"crime_ref": crime_ref, **network_params()}):
        found.setdefault(row["record_key"], []).append(NetworkAssociation(
            kind=row["kind"], person_key=row["person_key"],
            other_person_key=row["other_person_key"], seen_on=row["seen_on"],
            source=row["source"], via=row["via"]))
    return {key: tuple(items) for key, items in found.items()}


def _explained(row: dict[str, Any]) -> ExplainedOffence:
    category = row["category"]
    checks = []
    for rule in CATEGORY_RULES:
        if rule in RULE_RESULT_COLUMNS:
            matched = bool(row[RULE_RESULT_COLUMNS[rule]])
        elif rule == "single_perpetrator":
            matched = not row["more_than_one_perpetrator"]
        else:  # other_multiple: more than one perpetrator and no sub-category matched
            matched = category == "other_multiple"
        decided = rule == category or (rule == "csa_offence" and category == "not_csa")
        checks.append(RuleCheck(rule=rule, text=rule_text(rule), matched=matched,
                                decided=decided))
    return ExplainedOffence(
        agency_code=row["agency_code"],
        force_code=row["force_code"],
        force_label=codelist("police_forces").label(row["force_code"]),
        facts=_facts(row),
        checks=tuple(checks),
        category=category,
        category_label=CATEGORY_LABELS[category],
        counted=bool(row["is_csa"]),
        online=bool(row["is_online"]),
    )


def _facts(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    code = row["ho_offence_code"]
    return (
        ("Home Office offence code",
         f"{code} {codelist('offence_codes').label(code)} (sexual: {_yes(row['code_sexual'])}; "
         f"identifies a child victim: {_yes(row['code_child_identifiable'])})"),
        ("Victims", str(row["victims"])),
        ("Victim ages at the offence", _listed(row["victim_ages"])),
        ("Any victim under 18", _yes(row["victim_under_18"])),
        ("Perpetrators (distinct suspects and offenders)", str(row["perpetrators"])),
        ("Each perpetrator's relationship to the victim",
         _listed(row["perpetrator_relationships"])),
        ("Setting", _label("setting", row["setting"])),
        ("Location type", _label("location_type", row["location_type"])),
        ("CSE flag", _yes(row["cse_flag"])),
        ("Online flag", _yes(row["online_flag"])),
    )


def _yes(value: object) -> str:
    return "yes" if value else "no"


def _listed(values: Sequence[object]) -> str:
    return ", ".join(str(v) for v in values) if values else "none recorded"


def _label(list_name: str, code: str | None) -> str:
    if code is None:
        return "not recorded"
    return f"{code} ({codelist(list_name).label(code)})"
