"""The quality scores: each dimension as a share from 0 to 1, and one overall score.

Why one weighted mean: a data manager needs one number to rank agencies and follow over
time, and the dimensions under it to know what to fix. Completeness and validity weigh most
because they decide whether an analysis can count a record at all; timeliness and
consistency decide whether the figures are current and comparable; linkage says whether the
records join up, which also depends on whether other agencies know the same child, so it
weighs least. A dimension that cannot be measured (timeliness of undated records, linkage
before `tessera link`) is left out and the other weights are scaled up: an agency is
never marked down for what nobody can know. docs/quality.md states the formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Dimension = Literal["completeness", "validity", "timeliness", "consistency", "linkage"]

WEIGHTS: dict[Dimension, float] = {
    "completeness": 0.30, "validity": 0.30, "timeliness": 0.15, "consistency": 0.15,
    "linkage": 0.10,
}
"""Weight of each dimension in the overall score (they add up to 1)."""

PROMPT_DAYS = 31
"""An extract made within a month of the end of the period it covers is fully timely."""
STALE_DAYS = 365
"""An extract made a year or more after its period ended scores nothing for timeliness."""
KEPT_PER_FALL = 0.5
"""Each fall flagged in a delivery halves its consistency."""


def timeliness(lag_days: int | None) -> float | None:
    """How timely an extract is, from the days between its period's end and its extraction.

    1 up to `PROMPT_DAYS`, falling in a straight line to 0 at `STALE_DAYS`; None when the
    delivery holds no dated records (a period cannot be known).
    """
    if lag_days is None:
        return None
    if lag_days <= PROMPT_DAYS:
        return 1.0
    return max(0.0, 1 - (lag_days - PROMPT_DAYS) / (STALE_DAYS - PROMPT_DAYS))


def consistency(falls: int) -> float:
    """Consistency with earlier deliveries, from the number of falls flagged in a delivery.

    Why halving rather than a share of the measures compared: one field collapsing is a
    change in how the agency records or extracts that must be explained before its figures
    can be set beside earlier ones, however many other fields held; as a share of some twenty
    measures it would barely move the score. A first delivery has nothing to fall from and
    scores 1, so its score and the next are made of the same dimensions and a flagged fall
    always lowers the trend.
    """
    return KEPT_PER_FALL ** falls


def overall(dimensions: Mapping[Dimension, float | None]) -> float | None:
    """The overall score out of 100: the weighted mean of the dimensions that are known.

    score = 100 * sum(w_d * s_d) / sum(w_d), over dimensions d with a share s_d; None when
    none is known.
    """
    known = {d: s for d, s in dimensions.items() if s is not None}
    if not known:
        return None
    return 100 * sum(WEIGHTS[d] * s for d, s in known.items()) / sum(WEIGHTS[d] for d in known)
