"""NHS numbers, UPNs and record ids: the check rules and the numbers drawn."""

from __future__ import annotations

import numpy as np

from tessera.synth.identity import (
    draw_nhs_numbers,
    draw_upn_bodies,
    nhs_is_valid,
    render_nhs,
    render_upns,
    upn_is_valid,
)


def test_check_rules_agree_with_known_numbers() -> None:
    """Worked examples: a known-good NHS number and UPN pass, one changed digit fails."""
    assert nhs_is_valid("9434765919")
    assert not nhs_is_valid("9434765918")
    assert not nhs_is_valid("943476591")
    assert upn_is_valid("Q383200101001")
    assert not upn_is_valid("A383200101001")
    assert not upn_is_valid("Q38320010100")


def test_nhs_numbers_are_distinct_valid_and_synthetic() -> None:
    """Every number passes modulus 11 (never a check of 10) and starts with 9."""
    numbers = render_nhs(draw_nhs_numbers(np.random.default_rng(1), 20_000))
    assert len(set(numbers)) == 20_000
    assert all(n.startswith("9") and nhs_is_valid(n) for n in numbers[:5_000])


def test_upns_carry_the_la_number_and_a_right_check_letter() -> None:
    """Characters 2-4 are the DfE LA number; the check letter is right; bodies are distinct."""
    la = np.array([383, 383, 805, 201] * 500)
    upns = render_upns(draw_upn_bodies(np.random.default_rng(2), la, np.full(2_000, 2015)))
    assert len(set(upns)) == 2_000
    assert all(u[1:4] == str(n) and u[8:10] == "15" and upn_is_valid(u)
               for u, n in zip(upns, la, strict=True))


def test_absent_numbers_are_written_as_missing() -> None:
    """0 means 'not recorded' and must become an empty cell, never '0000000000'."""
    assert list(render_nhs(np.array([0, 9434765919]))) == [None, "9434765919"]
    assert list(render_upns(np.array([0, 383200101001]))) == [None, "Q383200101001"]
