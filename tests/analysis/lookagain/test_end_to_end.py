"""The look-again list on a generated warehouse: synth (three years at 1% scale) -> ingest ->
link -> list, so every query runs on what the real pipeline loads.

The figures are not fixed here (the generator decides them); what must hold for any data is:
every listed case meets the rules, every item of evidence is dated after its case closed, a
score is the sum of the weights of the features present, and the list is in score order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.analysis.lookagain import (
    LookAgainResult,
    load_rules,
    load_weights,
    run_look_again,
)
from tessera.linkage.service import link_warehouse
from tessera.publish.lookagain_report import write_look_again
from tessera.sources.delivery import Delivery
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Police and social care extracts of three synthetic years, loaded and linked."""
    folder = tmp_path_factory.mktemp("look-again-e2e")
    summary = generate(folder / "synthetic", scale=0.01, years=3, seed=21, bad_share=0.0)
    path = folder / "w.duckdb"
    ingest(Delivery.find([summary.extracts / "police", summary.extracts / "social_care"]),
           warehouse=path, key=PseudonymKey.from_secret(b"look-again-e2e"),
           output=folder / "out")
    link_warehouse(path)
    return path


@pytest.fixture(scope="module")
def result(warehouse: Path) -> LookAgainResult:
    """The list with Beaconport's rules and the documented weights."""
    with Engine.open(warehouse, read_only=True) as engine:
        return run_look_again(engine, rules=load_rules(), weights=load_weights())


def test_the_generated_warehouse_gives_a_list_with_new_evidence(result: LookAgainResult) -> None:
    """Some closed group-based cases are eligible and some have evidence since closure."""
    assert result.cases and result.with_evidence


def test_every_listed_case_meets_the_rules(result: LookAgainResult, warehouse: Path) -> None:
    """Outcome group, window and suspects checked again from the warehouse's own rows."""
    rules = result.rules
    with Engine.open(warehouse, read_only=True) as engine:
        facts = {row["record_key"]: row for row in engine.rows(
            "SELECT o.record_key, o.outcome_date, t.outcome_group, o.cse_flag, "
            "o.ho_offence_code FROM analysis.offence AS o "
            "JOIN reference.outcome_types AS t ON t.code = o.outcome_type")}
    for case in result.cases:
        row = facts[case.case_key]
        assert row["outcome_group"] in rules.nfa_outcome_groups
        assert rules.decided_from <= row["outcome_date"] <= rules.decided_to
        assert row["cse_flag"] or row["ho_offence_code"] == "71"
        assert case.suspects >= rules.min_suspects


def test_evidence_is_after_closure_and_scores_are_sums_in_order(
        result: LookAgainResult) -> None:
    """Every item arose after its case closed; scores add up the weights present, highest
    first."""
    for case in result.cases:
        assert all(item.evidence_on > case.closed_on for item in case.evidence)
        present = {item.feature for item in case.evidence}
        assert case.score == sum(w.weight for w in result.weights if w.feature in present)
    scores = [case.score for case in result.cases]
    assert scores == sorted(scores, reverse=True)


def test_the_list_is_written_as_csv_and_html(result: LookAgainResult, tmp_path: Path) -> None:
    """Both tables and the report are written; the report names the top case."""
    outputs = write_look_again(result, tmp_path, provenance="Synthetic.")
    assert set(outputs.csvs) == {"cases", "evidence"}
    assert result.cases[0].case_key in outputs.report.read_text(encoding="utf-8")
