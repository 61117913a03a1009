"""The rules and weights files: the defaults load, and a wrong row is one clean line naming
the file, the row and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.analysis.lookagain import FEATURES, load_rules, load_weights
from tessera.errors import ConfigurationError

GOOD_WEIGHTS = ["feature,weight,rationale", *(f"{f},1,because" for f in FEATURES)]
GOOD_RULES = ["rule,value,rationale",
              "nfa_outcome_groups,evidential_difficulties,because",
              "decided_from,2010-01-01,because", "decided_to,2025-03-31,because",
              "min_suspects,2,because", "group_based,yes,because"]


def test_the_defaults_are_beaconport_and_give_every_feature_a_reason() -> None:
    """Beaconport's window and numbers; every feature weighted, each with its rationale."""
    rules = load_rules()
    assert (rules.decided_from.isoformat(), rules.decided_to.isoformat(),
            rules.min_suspects, rules.group_based) == ("2010-01-01", "2025-03-31", 2, True)
    weights = load_weights()
    assert [w.feature for w in weights] == list(FEATURES)
    assert all(w.rationale and w.weight > 0 for w in weights)


def _with(lines: list[str], line: int, text: str | None) -> list[str]:
    """`lines` with line `line` (1-based) replaced by `text`, or removed when None."""
    changed = list(lines)
    if text is None:
        del changed[line - 1]
    else:
        changed[line - 1] = text
    return changed


@pytest.mark.parametrize(("description", "lines", "message"), [
    ("a weight that is not a number", _with(GOOD_WEIGHTS, 3, "new_victim,lots,because"),
     "row 3, field weight: 'lots' is not a number of at least 0"),
    ("a negative weight", _with(GOOD_WEIGHTS, 2, "later_offence,-1,because"),
     "row 2, field weight: '-1' is not a number of at least 0"),
    ("an unknown feature", _with(GOOD_WEIGHTS, 4, "hunch,5,because"),
     "row 4, field feature: unknown feature 'hunch'"),
    ("a feature given twice", [*GOOD_WEIGHTS, "new_victim,2,again"],
     "row 9, field feature: 'new_victim' is given twice (first on row 3)"),
    ("a feature missing", _with(GOOD_WEIGHTS, 8, None),
     ": no row for feature charged_community"),
    ("an empty rationale", _with(GOOD_WEIGHTS, 2, "later_offence,3,"),
     "row 2, field rationale: is empty"),
    ("only the header", ["feature,weight,rationale"], ": no row for feature later_offence"),
    ("no weight column", ["feature,score,rationale", "later_offence,3,because"],
     "row 1: no column weight"),
])
def test_a_bad_weights_file_is_one_line_naming_file_row_and_field(
        tmp_path: Path, description: str, lines: list[str], message: str) -> None:
    """Each mistake an analyst can make in the weights file."""
    path = tmp_path / "weights.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_weights(path)
    assert caught.value.message.startswith(str(path)), description
    assert message in caught.value.message, description
    assert "\n" not in caught.value.message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(("description", "lines", "message"), [
    ("an unknown outcome group", _with(GOOD_RULES, 2, "nfa_outcome_groups,shrug,because"),
     "row 2, field value: unknown outcome group shrug"),
    ("a date that is not one", _with(GOOD_RULES, 3, "decided_from,1/1/2010,because"),
     "row 3, field value: '1/1/2010' is not a date (YYYY-MM-DD)"),
    ("a window that ends before it starts", _with(GOOD_RULES, 4, "decided_to,2009-01-01,x"),
     "row 4, field value: 2009-01-01 is before decided_from 2010-01-01"),
    ("no suspects", _with(GOOD_RULES, 5, "min_suspects,0,because"),
     "row 5, field value: '0' is not a whole number of at least 1"),
    ("neither yes nor no", _with(GOOD_RULES, 6, "group_based,maybe,because"),
     "row 6, field value: 'maybe' is not yes or no"),
    ("an unknown rule", [*GOOD_RULES, "suspect_alive,yes,because"],
     "row 7, field rule: unknown rule 'suspect_alive'"),
])
def test_a_bad_rules_file_is_one_line_naming_file_row_and_field(
        tmp_path: Path, description: str, lines: list[str], message: str) -> None:
    """Each mistake an analyst can make in the rules file."""
    path = tmp_path / "rules.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_rules(path)
    assert caught.value.message.startswith(str(path)), description
    assert message in caught.value.message, description


def test_a_file_saved_by_a_spreadsheet_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    """Excel writes UTF-8 CSV with a byte order mark; the first column is still `feature`."""
    path = tmp_path / "weights.csv"
    path.write_text("\ufeff" + "\n".join(GOOD_WEIGHTS) + "\n", encoding="utf-8")
    assert [w.weight for w in load_weights(path)] == [1.0] * len(FEATURES)


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    """A missing file is named, in one line."""
    with pytest.raises(ConfigurationError, match="cannot read the file"):
        load_weights(tmp_path / "none.csv")
