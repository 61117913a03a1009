"""The police performance framework (measure M7).

Public API: `run_performance(engine, start, end) -> PerformanceResult` and `load_measures()`.
Each measure is defined once in `measures.csv`; the counts come from the named SQL files here
(reading the audit's `offence_category` step); `figures.py` makes values and intervals,
`spc.py` the control charts, `peers.py` the peer groups and `comparison.py` the funnel and
peer verdicts. docs/performance.md describes every measure and method.
"""

from tessera.analysis.performance.measures import Measure, load_measures
from tessera.analysis.performance.results import (
    NATIONAL,
    NATIONAL_LABEL,
    Force,
    ForceMeasure,
    PerformanceResult,
)
from tessera.analysis.performance.service import quarter_label, run_performance

__all__ = [
    "NATIONAL",
    "NATIONAL_LABEL",
    "Force",
    "ForceMeasure",
    "Measure",
    "PerformanceResult",
    "load_measures",
    "quarter_label",
    "run_performance",
]
