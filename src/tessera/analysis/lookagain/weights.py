"""The features of the look-again list and their weights: the weights file, read and checked.

Why weights in a file and no model: a case officer deciding whether to reopen a case must see
why it is on the list, so a case's score is the sum of the weights of the features it has,
each weight written down with its rationale (`weights.csv`), and an analyst can change them
and see the effect. The features themselves are SQL files of the same name (the two referral
features share `victim_referral.sql`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from tessera.analysis.lookagain.datafile import DataRow, read_file

DEFAULT_WEIGHTS = "weights.csv"
FEATURES: dict[str, str] = {
    "later_offence": "Suspect in a later offence",
    "new_victim": "Another victim names the suspect",
    "later_intelligence": "Later intelligence on the suspect",
    "new_object_tie": "New phone, vehicle or address tie",
    "victim_referral_cse": "Victim referred later: sexual exploitation (11A)",
    "victim_referral_missing": "Victim referred later: missing (10A)",
    "charged_community": "Suspect's community has someone charged",
}
"""Every feature, by the name its SQL gives it, with the label the outputs show."""


@dataclass(frozen=True)
class FeatureWeight:
    """One feature's weight and why it has it."""

    feature: str
    label: str
    weight: float
    rationale: str


def load_weights(path: Path | None = None) -> tuple[FeatureWeight, ...]:
    """The weights in `path` (the package's `weights.csv` when None), in feature order.

    Raises `ConfigurationError` naming the file, row and field of the first wrong value: an
    unknown, repeated or missing feature, a weight that is not a finite number of at least
    0, an empty rationale.
    """
    file = read_file(path, DEFAULT_WEIGHTS, "feature", "weight")
    by_feature = file.one_row_each("feature", tuple(FEATURES), _feature_weight)
    return tuple(by_feature[feature] for feature in FEATURES)


def _feature_weight(feature: str, row: DataRow) -> FeatureWeight:
    return FeatureWeight(feature, FEATURES[feature], _weight(row), row.value("rationale"))


def _weight(row: DataRow) -> float:
    text = row.value("weight")
    try:
        weight = float(text)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or weight < 0:
        raise row.error("weight", f"{text!r} is not a number of at least 0")
    return weight
