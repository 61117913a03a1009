"""Data quality per supplying agency and per delivery (measure M2).

Public API: `score_warehouse(path)` / `run_quality(engine) -> QualityResult`. Each delivery's
profile is recorded by the batch that loads it (`warehouse/profile.py`); `consistency.py`
holds the statistical rule for falls, `scores.py` the dimensions and the overall score,
`tables.py` shapes them. docs/quality.md describes every measure.
"""

from tessera.analysis.quality.consistency import Comparison
from tessera.analysis.quality.service import (
    AgencyQuality,
    DeliveryQuality,
    QualityResult,
    run_quality,
    score_warehouse,
)

__all__ = [
    "AgencyQuality",
    "Comparison",
    "DeliveryQuality",
    "QualityResult",
    "run_quality",
    "score_warehouse",
]
