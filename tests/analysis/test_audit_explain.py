"""`explain_offence`: the facts and rule results behind one offence's category."""

from __future__ import annotations

import pytest

from tessera.analysis.audit import explain_offence
from tessera.analysis.audit.rules import CATEGORY_RULES
from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine


def test_explains_the_facts_and_each_rule_in_order(audit_engine: Engine) -> None:
    explanation = explain_offence(audit_engine, "WY-PRECEDENCE")

    assert explanation.crime_ref == "WY-PRECEDENCE"
    (offence,) = explanation.offences
    assert offence.force_code == "west-yorkshire"
    assert offence.force_label == "West Yorkshire Police"
    assert offence.category == "intra_familial"
    assert offence.category_label == "Within the family, more than one perpetrator"
    facts = dict(offence.facts)
    assert facts["Home Office offence code"].startswith("19E Rape of a female child under 13")
    assert "identifies a child victim: yes" in facts["Home Office offence code"]
    assert facts["Victim ages at the offence"] == "11"
    assert facts["Perpetrators (distinct suspects and offenders)"] == "2"
    assert facts["Each perpetrator's relationship to the victim"] == (
        "family_member, family_member")
    assert facts["CSE flag"] == "yes"
    assert facts["Setting"] == "not recorded"

    assert [c.rule for c in offence.checks] == list(CATEGORY_RULES)
    matched = {c.rule: c.matched for c in offence.checks}
    assert matched == {
        "csa_offence": True, "more_than_one_perpetrator": True, "intra_familial": True,
        "institutional": False, "group_based_cse": True, "other_multiple": False,
        "single_perpetrator": False, "online": False,
    }
    assert [c.rule for c in offence.checks if c.decided] == ["intra_familial"]
    assert all(c.text for c in offence.checks)


def test_explains_each_force_using_the_same_crime_ref(audit_engine: Engine) -> None:
    explanation = explain_offence(audit_engine, "DUP-1")

    assert [(o.force_code, o.category, o.counted) for o in explanation.offences] == [
        ("kent", "not_csa", False),
        ("west-yorkshire", "single_perpetrator", True),
    ]
    kent = explanation.offences[0]
    assert [c.rule for c in kent.checks if c.decided] == ["csa_offence"]
    assert dict(kent.facts)["Any victim under 18"] == "no"


def test_offence_without_parties_says_none_recorded(audit_engine: Engine) -> None:
    (offence,) = explain_offence(audit_engine, "K-NONE").offences
    facts = dict(offence.facts)
    assert facts["Perpetrators (distinct suspects and offenders)"] == "0"
    assert facts["Each perpetrator's relationship to the victim"] == "none recorded"
    assert offence.online


@pytest.mark.parametrize("crime_ref", ["NO-SUCH-REF", "wy-intra", "WY-INTRA "],
                         ids=["unknown", "case differs", "trailing space"])
def test_unknown_crime_ref_is_an_error_naming_it(audit_engine: Engine, crime_ref: str) -> None:
    with pytest.raises(AnalysisError, match=repr(crime_ref).replace("'", "")) as error:
        explain_offence(audit_engine, crime_ref)
    assert crime_ref in error.value.message
    assert error.value.http_status == 404


def test_empty_warehouse_is_an_error(engine: Engine) -> None:
    with pytest.raises(AnalysisError, match="tessera ingest"):
        explain_offence(engine, "WY-INTRA")
