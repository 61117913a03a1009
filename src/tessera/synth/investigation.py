"""Investigations: whether each offence is still open, its outcome, and the parties' roles.

Why outcomes shape the parties: a 'suspect not identified' outcome (14, 18) means the
perpetrator is an unidentified person record, and a charge or out-of-court disposal makes a
suspect an offender, so the outcome is drawn before the people are.
"""

from __future__ import annotations

import numpy as np

from tessera.synth import codes
from tessera.synth.calibration import NO_DATE, Period

OUTCOME_MIX: dict[str, dict[str, float]] = {
    "single": {"1": 9, "2": 1, "3": 1, "8": 1.5, "22": 1, "10": 1, "9": 0.5, "13": 0.5,
               "5": 0.3, "11": 0.2, "12": 0.2, "17": 0.3, "14": 17, "15": 16, "16": 32,
               "18": 4, "20": 8, "21": 6.5},
    "multiple": {"1": 14, "15": 22, "16": 35, "20": 8, "21": 9, "8": 2, "2": 2, "3": 2,
                 "10": 2, "13": 2, "17": 1, "5": 0.5, "22": 1.5},
    "network": {"1": 25, "15": 25, "16": 30, "21": 8, "20": 5, "13": 4, "3": 2, "10": 1},
}
"""Closed outcomes (Home Office outcome types) by kind of offence: many evidential
difficulties (14-16), some charges (1); multi-perpetrator offences never 'no suspect'."""

UNIDENTIFIED_OUTCOMES = ("14", "18")
"""Outcomes meaning no suspect was identified."""
OFFENDER_OUTCOMES = ("1", "2", "3", "4", "6", "8", "22")
"""Outcomes after which a suspect is recorded as an offender (charged or disposed of)."""
OPEN_FLOOR = 0.05
OPEN_RECENT = 0.55
OPEN_DECAY_DAYS = 200.0
"""Chance an offence is still open: OPEN_FLOOR + OPEN_RECENT * exp(-age / OPEN_DECAY_DAYS),
about 30% over a year's recordings, most of them recent."""
OUTCOME_DELAY_DAYS = 150.0

ROLE = {code: codes.index("party_role", code)
        for code in ("victim", "suspect", "offender", "witness")}
STATUS = {code: codes.index("investigation_status", code) for code in ("open", "closed")}


def draw_outcomes(rng: np.random.Generator, recorded: np.ndarray, period: Period,
                  mix: str, open_boost: float = 0.0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome (-1 while open), outcome date (NO_DATE while open) and status of each offence."""
    n = len(recorded)
    age = period.end - recorded
    p_open = np.minimum(OPEN_FLOOR + open_boost
                        + OPEN_RECENT * np.exp(-age / OPEN_DECAY_DAYS), 0.95)
    is_open = rng.random(n) < p_open
    outcome = codes.draw(rng, "outcome_types", OUTCOME_MIX[mix], n)
    delay = np.floor(rng.exponential(OUTCOME_DELAY_DAYS, n)).astype(np.int64)
    late = recorded + delay > period.end
    delay = np.where(late, np.floor(rng.random(n) * (age + 1)).astype(np.int64), delay)
    outcome = np.where(is_open, -1, outcome).astype(np.int16)
    outcome_date = np.where(is_open, NO_DATE, recorded + delay)
    status = np.where(is_open, STATUS["open"], STATUS["closed"]).astype(np.int16)
    return outcome, outcome_date, status


def suspect_unidentified(rng: np.random.Generator, outcome: np.ndarray,
                         open_share: float) -> np.ndarray:
    """Offences whose perpetrator is unknown: 'no suspect' outcomes, and some open ones."""
    none_found = np.isin(outcome, codes.indices("outcome_types", UNIDENTIFIED_OUTCOMES))
    return none_found | ((outcome < 0) & (rng.random(len(outcome)) < open_share))


def perpetrator_roles(outcome: np.ndarray, identified: np.ndarray) -> np.ndarray:
    """'offender' for an identified perpetrator of a charged or disposed-of offence, else
    'suspect'."""
    disposed = np.isin(outcome, codes.indices("outcome_types", OFFENDER_OUTCOMES))
    return np.where(disposed & identified, ROLE["offender"], ROLE["suspect"]).astype(np.int16)
