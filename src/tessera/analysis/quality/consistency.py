"""Is a delivery consistent with the agency's earlier ones? The statistical rule.

Why a test and not a fixed drop: a field 90% complete in 20 rows and 80% in the next 20 is
within what chance gives; the same fall over 20,000 rows is a change in how the agency
records or extracts. A fall is flagged only when it is both beyond chance (one-sided test,
p < 0.001) and large enough to matter (a 5 point fall in completeness, a 10% fall in rows),
because at national volumes the smallest wobble is "significant" and a flag nobody acts on
teaches people to ignore flags. docs/quality.md gives the rule with a worked example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Z_CRITICAL = 3.09
"""One-sided p < 0.001. A delivery is tested on up to 20 measures and some 350 agencies
deliver, so at p < 0.01 dozens of flags a round would be chance alone; at p < 0.001 a handful,
and the minimum falls below set aside those too small to matter."""
MIN_COMPLETENESS_FALL = 0.05
"""A fall in a field's completeness must be at least 5 percentage points to be flagged."""
MIN_VOLUME_FALL = 0.10
"""A fall in an entity's rows must be at least 10% of the earlier average to be flagged."""

Measure = Literal["completeness", "volume"]


@dataclass(frozen=True)
class Comparison:
    """One measure of a delivery set against the agency's earlier deliveries.

    `earlier` and `now` are a share (completeness) or rows per delivery (volume); `z` is the
    test statistic (negative when the delivery is lower), None when it cannot be computed.
    """

    measure: Measure
    subject: str
    earlier: float
    now: float
    z: float | None
    flagged: bool


def completeness_comparison(subject: str, earlier_present: int, earlier_applicable: int,
                            present: int, applicable: int) -> Comparison | None:
    """Compare a field's completeness now with all earlier deliveries pooled.

    Two-proportion z test with the pooled share under the null hypothesis that nothing
    changed: z = (p_now - p_earlier) / sqrt(p (1 - p) (1/n_earlier + 1/n_now)). Returns
    None when either side has no rows the field applies to (nothing to compare).
    """
    if earlier_applicable == 0 or applicable == 0:
        return None
    before = earlier_present / earlier_applicable
    now = present / applicable
    pooled = (earlier_present + present) / (earlier_applicable + applicable)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / earlier_applicable + 1 / applicable))
    z = (now - before) / spread if spread > 0 else None
    flagged = z is not None and z <= -Z_CRITICAL and before - now >= MIN_COMPLETENESS_FALL
    return Comparison("completeness", subject, before, now, z, flagged)


def volume_comparison(subject: str, earlier_rows: list[int], rows: int) -> Comparison | None:
    """Compare an entity's rows now with the average of the earlier deliveries that had it.

    Counts of records are treated as Poisson: under no change the delivery's rows have mean
    and variance equal to the earlier average m, so z = (rows - m) / sqrt(m). Returns None
    when no earlier delivery had the entity.
    """
    if not earlier_rows:
        return None
    mean = sum(earlier_rows) / len(earlier_rows)
    z = (rows - mean) / math.sqrt(mean) if mean > 0 else None
    flagged = z is not None and z <= -Z_CRITICAL and mean - rows >= MIN_VOLUME_FALL * mean
    return Comparison("volume", subject, mean, float(rows), z, flagged)
