"""Recorded ethnicity manufactures no disparity: people drawn at population base rates are
recorded, errors and all, at those rates, so no group stands out in the audit's rates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chisquare

from tessera.synth.ethnicity import POLICE_CODES, ROMA, TEXT, recorded_ethnicity
from tessera.synth.rates import ETHNIC_GROUPS, load_rates

PEOPLE = 2_000_000


def _recorded_counts(police: bool, wrong: float) -> np.ndarray:
    """How many of 2 million people drawn at the base rates are recorded in each ONS group."""
    shares = load_rates().ethnicity
    rng = np.random.default_rng(7)
    truth = rng.choice(len(ETHNIC_GROUPS), size=PEOPLE, p=shares)
    written = recorded_ethnicity(rng, truth, police, 0.2, shares, wrong=wrong)
    counts = np.bincount(written[written >= 0], minlength=len(TEXT))
    if not police:
        return counts[:len(ETHNIC_GROUPS)]
    return np.array([counts[TEXT.index(code)] for code in POLICE_CODES])


@pytest.mark.parametrize("police", [False, True], ids=["ONS codes", "police 18+1 codes"])
def test_recorded_groups_keep_the_population_shares(police: bool) -> None:
    """χ² of recorded counts against the base rates, over groups expecting 5 or more: no
    significant difference (p > 0.01), even with a tenth of people misrecorded."""
    shares = load_rates().ethnicity
    counts = _recorded_counts(police, wrong=0.10)
    expected = shares * counts.sum()
    enough = expected >= 5
    result = chisquare(counts[enough], expected[enough] * counts[enough].sum()
                       / expected[enough].sum())
    assert result.pvalue > 0.01, (result.statistic, result.pvalue)


def test_roma_and_gypsy_or_irish_traveller_are_recorded_apart_by_the_police() -> None:
    """18+1 has no Roma code; Roma keep their ONS code rather than being folded into W3."""
    counts = _recorded_counts(police=True, wrong=0.0)
    shares = load_rates().ethnicity
    roma, traveller = ETHNIC_GROUPS.index(ROMA), ETHNIC_GROUPS.index("15")
    for group in (roma, traveller):
        assert counts[group] == pytest.approx(shares[group] * counts.sum(), rel=0.05)
