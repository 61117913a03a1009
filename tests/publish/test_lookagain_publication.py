"""What the look-again publication carries for the web pages: for every case, the facts behind
the rules, each feature's weight and contribution (summing to the score) and the evidence
trail with agencies named; and the rules and weights it was made with."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.analysis.data_state import WarehouseState
from tessera.analysis.lookagain import LookAgainResult, load_rules, load_weights, run_look_again
from tessera.casework.store import Casework
from tessera.errors import PublicationError
from tessera.publish.lookagain_publication import (
    agency_name,
    case_detail,
    publish_look_again,
    settings_of,
)
from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import (
    COMMUNITIES,
    KENT,
    LookAgainWarehouse,
    offence_key,
    populate_lookagain_fixture,
)


def _result(force: str | None = None) -> LookAgainResult:
    with Engine.open(None) as engine:
        populate_lookagain_fixture(LookAgainWarehouse(engine))
        return run_look_again(engine, rules=load_rules(), weights=load_weights(), force=force,
                              communities=COMMUNITIES)


def test_each_case_carries_its_explained_score_and_trail() -> None:
    result = _result()
    top = result.cases[0]
    detail = case_detail(result, top)
    assert top.case_key == offence_key("WY-A")
    assert sum(c["points"] for c in detail["contributions"]) == pytest.approx(top.score)
    assert [c["feature"] for c in detail["contributions"]] == [
        w.feature for w in result.weights]
    assert len(detail["evidence"]) == len(top.evidence) > 0
    assert detail["rules_met"][0].startswith("nfa_outcome_groups: outcome 15")
    assert {e["agency"] for e in detail["evidence"]} >= {"Kent Police"}
    assert [e["evidence_on"] for e in detail["evidence"]] == sorted(
        e["evidence_on"] for e in detail["evidence"])


def test_the_settings_hold_the_rules_and_weights_as_written() -> None:
    result = _result()
    settings = settings_of(result)
    assert [r["rule"] for r in settings["rules"]] == [r for r, _, _ in result.rules.written]
    assert all(w["rationale"] for w in settings["weights"])
    assert settings["communities_supplied"] is True


def test_agency_names() -> None:
    assert agency_name(KENT) == "Kent Police"
    assert agency_name("E08000035") == "Leeds"
    assert agency_name("some-trust") == "some-trust"


def test_a_list_of_one_force_is_not_published(tmp_path: Path) -> None:
    """Publishing one force's list would hide every other force's cases from their analysts
    until the next run; the store scopes the whole list instead."""
    store = Casework.open(f"sqlite:///{tmp_path / 'c.db'}")
    state = WarehouseState(None, None, None, "No data has been loaded into the warehouse.")
    with pytest.raises(PublicationError, match="every force"), store.session() as session:
        publish_look_again(session, _result(KENT), state, published_by="test")
    store.close()
