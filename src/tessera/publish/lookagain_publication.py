"""Publish the look-again list into the casework store, where force analysts read it in the
web app (web/lookagain.py).

Why the whole list, every force: the store scopes each case by its force, so one publication
serves every analyst (their own force's cases) and national analysts (all of them). Like the
CSV and HTML report (lookagain_report.py) it is restricted, not a statistical release, so it
has no disclosure control: it names cases (by pseudonymous key only) for forces to review,
and every view of it is logged. Each case carries what the page must show to explain it: the
facts that meet the eligibility rules, each feature's weight and contribution, and the
evidence trail.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.orm import Session

from tessera.analysis.data_state import WarehouseState
from tessera.analysis.lookagain import Case, LookAgainResult
from tessera.casework.publications import EntryRecord, PublicationRecord, Published, publish
from tessera.dataset.codelists import codelist
from tessera.errors import PublicationError

PRODUCT: Final = "look_again"
"""The product name the casework store and the web app know the list by."""


def publish_look_again(session: Session, result: LookAgainResult, state: WarehouseState, *,
                       published_by: str) -> Published:
    """Publish `result` (every force's list) as made from the warehouse in `state`; it
    supersedes the list published before."""
    if result.force is not None:
        raise PublicationError("publish the list of every force; the store scopes it by force")
    record = PublicationRecord(
        product=PRODUCT, published_by=published_by, provenance=state.provenance,
        batch_id=state.batch_id, loaded_at=state.loaded_at,
        linkage_run_id=state.linkage_run_id, settings=settings_of(result),
        counts={"cases": len(result.cases), "with_evidence": result.with_evidence,
                "forces": len({case.force_code for case in result.cases})})
    entries = [EntryRecord(case.force_code, rank, case.case_key, case.score,
                           case_detail(result, case))
               for rank, case in enumerate(result.cases, start=1)]
    return publish(session, record, entries)


def settings_of(result: LookAgainResult) -> dict[str, Any]:
    """The rules (as written, with rationale) and weights the list was made with."""
    return {
        "rules_source": result.rules.source,
        "rules": [{"rule": rule, "value": value, "rationale": rationale}
                  for rule, value, rationale in result.rules.written],
        "weights": [{"feature": w.feature, "label": w.label, "weight": w.weight,
                     "rationale": w.rationale} for w in result.weights],
        "communities_supplied": result.communities_supplied,
    }


def case_detail(result: LookAgainResult, case: Case) -> dict[str, Any]:
    """What the case page shows: the case's facts, the rules it meets, each feature's
    weight and contribution, and its evidence trail (oldest first)."""
    labels = {w.feature: w.label for w in result.weights}
    return {
        "closed_on": case.closed_on.isoformat(), "ho_offence_code": case.ho_offence_code,
        "offence": codelist("offence_codes").label(case.ho_offence_code),
        "outcome_type": case.outcome_type, "outcome_group": case.outcome_group,
        "outcome": codelist("outcome_types").label(case.outcome_type),
        "group_based": case.group_based, "suspects": case.suspects, "victims": case.victims,
        "rules_met": case.rules_met(result.rules).split("; "),
        "contributions": [{"feature": c.feature.feature, "label": c.feature.label,
                           "weight": c.feature.weight, "items": c.items, "points": c.points}
                          for c in case.contributions],
        "evidence": [{"feature": e.feature, "label": labels[e.feature],
                      "evidence_on": e.evidence_on.isoformat(), "agency_code": e.agency_code,
                      "agency": agency_name(e.agency_code),
                      "evidence_key": e.evidence_key, "subject_key": e.subject_key,
                      "detail": e.detail} for e in case.evidence],
    }


def agency_name(code: str) -> str:
    """A supplying agency's name: a police force's or a local authority's, else its code."""
    for listed in (codelist("police_forces"), codelist("local_authorities")):
        if code in listed.codes:
            return listed.label(code)
    return code
