"""The look-again list on the hand-made warehouse: eligibility, every feature with its trail,
evidence before closure left out, scores as sums of weights, ranking and the force filter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tessera.analysis.lookagain import (
    FEATURES,
    Case,
    LookAgainResult,
    load_rules,
    load_weights,
    run_look_again,
)
from tessera.errors import ConfigurationError
from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import (
    CLOSED_A,
    COMMUNITIES,
    KENT,
    LEEDS,
    WY,
    offence_key,
)

A, E, D = offence_key("WY-A"), offence_key("K-E", KENT), offence_key("K-D", KENT)


@pytest.fixture
def result(engine: Engine, evidence_keys: dict[str, str]) -> LookAgainResult:
    """The list with Beaconport's rules, the documented weights and S1's community."""
    return run_look_again(engine, rules=load_rules(), weights=load_weights(),
                          communities=COMMUNITIES)


def case(result: LookAgainResult, key: str) -> Case:
    """The one listed case with this key."""
    (found,) = [c for c in result.cases if c.case_key == key]
    return found


def test_only_cases_meeting_every_rule_are_listed(result: LookAgainResult) -> None:
    """Closed before 2010 (WY-B, though its suspect offended again), one suspect (WY-C), not
    group-based (WY-G) and charged (WY-F) are left out; A, E and D are in."""
    assert {c.case_key for c in result.cases} == {A, E, D}


def test_a_case_with_every_kind_of_later_evidence_has_each_feature_once(
        result: LookAgainResult, evidence_keys: dict[str, str]) -> None:
    """Every feature of case A finds exactly its one item, from the agency that holds it."""
    a = case(result, A)
    assert {c.feature.feature: c.items for c in a.contributions} == dict.fromkeys(FEATURES, 1)
    trail = {e.feature: (e.evidence_key, e.evidence_on, e.agency_code, e.subject_key)
             for e in a.evidence}
    assert trail == {
        "later_offence": (evidence_keys["later"], date(2017, 1, 1), KENT, "P-S1"),
        "new_victim": (evidence_keys["later"], date(2017, 1, 1), KENT,
                       trail["new_victim"][3]),
        "later_intelligence": (evidence_keys["later_intel"], date(2016, 3, 1), WY, "P-S2"),
        "new_object_tie": (evidence_keys["phone"], date(2016, 7, 1), WY, "P-S1"),
        "victim_referral_cse": (evidence_keys["later_referral"], date(2016, 9, 1), LEEDS,
                                "C-VA"),
        "victim_referral_missing": (evidence_keys["later_referral"], date(2016, 9, 1), LEEDS,
                                    "C-VA"),
        "charged_community": (evidence_keys["charged"], date(2018, 1, 1), WY, "P-CH"),
    }
    assert [e.evidence_on for e in a.evidence] == sorted(e.evidence_on for e in a.evidence)
    assert "community K1" in next(e.detail for e in a.evidence
                                  if e.feature == "charged_community")


def test_evidence_dated_before_closure_is_not_counted(
        result: LookAgainResult, evidence_keys: dict[str, str]) -> None:
    """S2's offence, link and vehicle before 2015-06-01 and VA's referral in January 2015 are
    in the warehouse but not in the trail; nor is the address S2 shares with family."""
    a = case(result, A)
    keys = {e.evidence_key for e in a.evidence}
    assert not keys & {evidence_keys[k] for k in ("earlier", "early_intel", "early_referral",
                                                  "family_address")}
    assert all(e.evidence_on > CLOSED_A for e in a.evidence)
    assert [e.feature for e in a.evidence].count("new_object_tie") == 1


def test_the_score_is_the_sum_of_the_weights_of_the_features_present(
        result: LookAgainResult) -> None:
    """A has all features; E only later intelligence (one link between its two suspects,
    counted once); D none."""
    weights = {w.feature: w.weight for w in load_weights()}
    assert case(result, A).score == sum(weights.values())
    e = case(result, E)
    assert e.score == weights["later_intelligence"] and len(e.evidence) == 1
    d = case(result, D)
    assert d.score == 0 and d.evidence == ()
    assert all(c.points == 0 for c in d.contributions)


def test_cases_are_ranked_by_score(result: LookAgainResult) -> None:
    """Highest score first; the cases table numbers them in that order."""
    assert [c.case_key for c in result.cases] == [A, E, D]
    table = result.cases_table()
    assert table.column("rank") == [1, 2, 3]
    assert table.column("case_key") == [A, E, D]


def test_weights_from_a_file_change_the_order(engine: Engine, evidence_keys: dict[str, str],
                                              tmp_path: Path) -> None:
    """With every weight 0 but later intelligence, E's one link ties A's one and A still
    leads on its number of evidence items."""
    path = tmp_path / "weights.csv"
    path.write_text("feature,weight,rationale\n" + "".join(
        f"{f},{1 if f == 'later_intelligence' else 0},test\n" for f in FEATURES),
        encoding="utf-8")
    result = run_look_again(engine, rules=load_rules(), weights=load_weights(path))
    assert [c.score for c in result.cases] == [1, 1, 0]
    assert [c.case_key for c in result.cases] == [A, E, D]


def test_without_communities_the_community_feature_scores_nothing(
        engine: Engine, evidence_keys: dict[str, str]) -> None:
    """The slot for the network analysis is empty by default: no charged_community evidence."""
    result = run_look_again(engine, rules=load_rules(), weights=load_weights())
    a = case(result, A)
    assert "charged_community" not in {e.feature for e in a.evidence}
    assert not result.communities_supplied
    assert any("communities" in note for note in result.cases_table().notes)


def test_force_keeps_one_forces_cases(engine: Engine, evidence_keys: dict[str, str]) -> None:
    """--force kent lists kent's cases only; an unknown force is refused."""
    result = run_look_again(engine, rules=load_rules(), weights=load_weights(), force=KENT)
    assert [c.case_key for c in result.cases] == [E, D]
    assert set(result.evidence_table().column("case_force_code")) == {KENT}
    with pytest.raises(ConfigurationError, match="no such force code"):
        run_look_again(engine, rules=load_rules(), weights=load_weights(), force="atlantis")


def test_other_rules_from_a_file_change_who_is_eligible(
        engine: Engine, evidence_keys: dict[str, str], tmp_path: Path) -> None:
    """From 2009 and one suspect, without the group-based rule: B, C and G join the list,
    and B's suspect's later offence counts."""
    path = tmp_path / "rules.csv"
    path.write_text(
        "rule,value,rationale\n"
        "nfa_outcome_groups,evidential_difficulties;not_in_public_interest,test\n"
        "decided_from,2009-01-01,test\ndecided_to,2025-03-31,test\n"
        "min_suspects,1,test\ngroup_based,no,test\n", encoding="utf-8")
    result = run_look_again(engine, rules=load_rules(path), weights=load_weights())
    keys = {c.case_key for c in result.cases}
    assert keys == {A, E, D, offence_key("WY-B"), offence_key("WY-C"), offence_key("WY-G")}
    b = case(result, offence_key("WY-B"))
    assert {e.feature for e in b.evidence} == {"later_offence", "new_victim"}
    assert "group_based: not required (yes)" in b.rules_met(result.rules)


def test_the_tables_are_plain_rows_with_keys(result: LookAgainResult) -> None:
    """One row per case and per item of evidence, each with its case's force, ready to be
    published into a snapshot and scoped by force."""
    tables = result.tables()
    assert len(tables["cases"].rows) == 3
    assert len(tables["evidence"].rows) == sum(len(c.evidence) for c in result.cases)
    first = tables["cases"].records()[0]
    assert first["case_key"] == A and first["case_force_code"] == WY
    assert first["score"] == sum(first[f] for f in FEATURES)  # type: ignore[misc]
    assert "nfa_outcome_groups: outcome 15 (evidential_difficulties)" in str(first["rules_met"])
