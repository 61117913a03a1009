"""Each audit category rule, one hand-made offence per case (measure M5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tessera.analysis.audit import RULES, explain_offence, run_audit
from tessera.analysis.audit.queries import AUDIT_SQL
from tessera.analysis.audit.rules import CATEGORY_LABELS, CATEGORY_RULES
from tests.analysis.audit_fixture import FixtureWarehouse

Party = tuple[str, str, int | None, str | None]


@dataclass(frozen=True)
class Case:
    description: str
    parties: list[Party]
    category: str
    online: bool = False
    offence: dict[str, Any] = field(default_factory=dict)
    any_number: tuple[str, ...] = ()
    """The overlapping all-CSA figures the offence is also in (family, institution)."""


V = ("V", "victim", 14, None)


def perps(*relationships: str | None) -> list[Party]:
    return [(f"P{i}", "suspect", 30, r) for i, r in enumerate(relationships)]


CASES = [
    Case("child-identifiable sexual code with one suspect is single perpetrator",
         [V, *perps("stranger")], "single_perpetrator", offence={"code": "19D"}),
    Case("sexual code not child-specific, victim under 18 by age, is CSA",
         [("V", "victim", 17, None), *perps("stranger")], "single_perpetrator",
         offence={"code": "20A"}),
    Case("sexual code not child-specific, victim aged 18, is not CSA",
         [("V", "victim", 18, None), *perps("stranger")], "not_csa", offence={"code": "20A"}),
    Case("sexual code not child-specific, victim age unknown, is not CSA",
         [("V", "victim", None, None), *perps("stranger")], "not_csa", offence={"code": "22A"}),
    Case("non-sexual code with a child victim is not CSA",
         [("V", "victim", 6, None), *perps("family_member", "family_member")], "not_csa",
         offence={"code": "11A"}),
    Case("child-identifiable code with no party rows at all is CSA, none identified",
         [], "single_perpetrator", offence={"code": "21"}),
    Case("no perpetrator identified is single perpetrator", [V], "single_perpetrator"),
    Case("the same person as suspect and offender is one perpetrator",
         [V, ("P", "suspect", 30, "stranger"), ("P", "offender", 30, "stranger")],
         "single_perpetrator"),
    Case("witnesses are not perpetrators",
         [V, *perps("stranger"), ("W", "witness", 40, None)], "single_perpetrator"),
    Case("two perpetrators, one a family member, is intra-familial",
         [V, *perps("family_member", "stranger")], "intra_familial"),
    Case("two perpetrators in a family setting is intra-familial",
         [V, *perps("stranger", "stranger")], "intra_familial", offence={"setting": "family"}),
    Case("two perpetrators, one in a position of trust, is institutional",
         [V, *perps("position_of_trust", "acquaintance")], "institutional"),
    Case("two perpetrators in an institution setting is institutional",
         [V, *perps(None, None)], "institutional", offence={"setting": "institution"}),
    Case("two perpetrators at a school is institutional",
         [V, *perps("peer", "peer")], "institutional", offence={"location": "school"}),
    Case("two perpetrators at a care home is institutional",
         [V, *perps("stranger", "stranger")], "institutional", offence={"location": "care_home"}),
    Case("two perpetrators and a CSE flag is group-based CSE",
         [V, *perps("acquaintance", "acquaintance")], "group_based_cse",
         offence={"cse": True, "location": "hotel"}),
    Case("two perpetrators and Home Office code 71 is group-based CSE without a flag",
         [V, *perps("acquaintance", None)], "group_based_cse", offence={"code": "71"}),
    Case("first match wins: family member beats CSE flag",
         [V, *perps("family_member", "acquaintance")], "intra_familial", offence={"cse": True}),
    Case("first match wins: position of trust beats CSE flag",
         [V, *perps("position_of_trust", "acquaintance")], "institutional",
         offence={"cse": True}),
    Case("first match wins: family setting beats school location",
         [V, *perps("peer", "peer")], "intra_familial",
         offence={"setting": "family", "location": "school"},
         any_number=("institutional_any",)),
    Case("a single perpetrator with a CSE flag is single, not group-based",
         [V, *perps("acquaintance")], "single_perpetrator", offence={"cse": True}),
    Case("a single family-member perpetrator is single, not intra-familial",
         [V, *perps("family_member")], "single_perpetrator", any_number=("intra_familial_any",)),
    Case("family relationship of a witness does not make it intra-familial",
         [V, *perps("stranger", "stranger"), ("W", "witness", 40, "family_member")],
         "other_multiple"),
    Case("two strangers, nothing else recorded, is other multiple",
         [V, *perps("stranger", "stranger")], "other_multiple"),
    Case("online flag makes it online as well as its category",
         [V, *perps("stranger")], "single_perpetrator", online=True, offence={"online": True}),
    Case("online setting makes it online",
         [V, *perps("online_contact", "online_contact")], "other_multiple", online=True,
         offence={"setting": "online"}),
    Case("online location makes it online",
         [V, *perps("online_contact")], "single_perpetrator", online=True,
         offence={"location": "online"}),
    Case("an online adult offence is not counted as online",
         [("V", "victim", 30, None), *perps("online_contact")], "not_csa", online=False,
         offence={"code": "19C", "online": True}),
]


ANY_NUMBER_OF = {"intra_familial": ("intra_familial_any",),
                 "institutional": ("institutional_any",)}
"""A category that needs more than one perpetrator is also in its all-CSA figure."""


@pytest.mark.parametrize("case", CASES, ids=[c.description for c in CASES])
def test_category_rule(warehouse: FixtureWarehouse, case: Case) -> None:
    warehouse.crime("CASE-1", case.parties, **case.offence)

    explained = explain_offence(warehouse.engine, "CASE-1").offences[0]
    assert explained.category == case.category
    assert explained.online is case.online
    assert explained.counted is (case.category != "not_csa")

    counts = {row[0]: row[2] for row in run_audit(warehouse.engine)
              .tables["offence_categories"].rows}
    expected = {code: 0 for code in counts}
    if case.category != "not_csa":
        expected["csa_offences"] = 1
        expected[case.category] = 1
        if case.category not in ("single_perpetrator",):
            expected["more_than_one_perpetrator"] = 1
        expected["online"] = int(case.online)
        for code in (*case.any_number, *ANY_NUMBER_OF.get(case.category, ())):
            expected[code] = 1
    assert counts == expected


def test_every_category_rule_is_written_in_rules() -> None:
    keys = [key for key, _ in RULES]
    assert len(keys) == len(set(keys))
    assert set(CATEGORY_RULES) <= set(keys)
    assert [k for k in keys if k in CATEGORY_RULES] == list(CATEGORY_RULES)
    assert all(text.endswith(".") for _, text in RULES)


def test_every_category_is_documented_in_the_rule_sql() -> None:
    sql = AUDIT_SQL.load("offence_category")
    categories = [c for c in CATEGORY_LABELS if c not in ("csa_offences",
                                                          "more_than_one_perpetrator")]
    for category in categories:
        if category != "online":
            assert f"'{category}'" in sql, category
        assert category in sql.split("WITH party_facts")[0], f"{category} not in header comment"
