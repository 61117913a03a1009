"""Children's social care referrals (the Children in Need census episode).

Why shaped around the offence: about 40% of child victims are known to children's social
care, most of them before the abuse is recorded (for neglect, domestic abuse, going missing),
and some are referred by the police after it, with the child sexual exploitation (11A) or
sexual abuse (19B, 19C) factors, a section 47 enquiry and a child protection plan for sexual
abuse. Other children's referrals follow the general pattern. Dates always keep their order:
referral, section 47, plan start, plan end, closure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from tessera.synth import codes
from tessera.synth.calibration import NO_DATE
from tessera.synth.population import World, shift_years

if TYPE_CHECKING:
    from tessera.synth.agencies import Children

SOURCE_AFTER = {"6": 55, "2A": 12, "3A": 5, "3E": 6, "1A": 8, "5D": 4, "8": 5, "3F": 5}
SOURCE_OTHER = {"2A": 20, "6": 18, "3A": 6, "3B": 5, "3E": 5, "1A": 10, "1C": 2, "1D": 3,
                "4": 3, "5A": 6, "5B": 3, "5C": 3, "5D": 6, "7": 2, "8": 5, "9": 3}
NEED_AFTER = {"N1": 75, "N0": 5, "N4": 5, "N5": 10, "N6": 5}
NEED_OTHER = {"N1": 50, "N2": 6, "N3": 4, "N4": 12, "N5": 14, "N6": 4, "N7": 2, "N8": 3,
              "N9": 3, "N0": 2}
FACTORS_EXPLOITED = {"11A;10A": 35, "11A": 30, "11A;4A": 10, "11A;10A;15A": 10, "11A;13A": 8,
                     "11A;12A": 7}
FACTORS_BY_ADULT = {"19B": 60, "19B;4A": 15, "19B;3A": 10, "19B;17A": 10, "": 5}
FACTORS_BY_CHILD = {"19C": 70, "19C;4A": 15, "19C;14A": 10, "": 5}
FACTORS_OTHER = {"21": 12, "3A": 10, "3A;3B": 10, "16A": 10, "17A": 6, "4B": 8, "4A": 6,
                 "2B": 5, "1B": 4, "10A": 5, "5A": 3, "6A": 3, "14A": 3, "15A": 3,
                 "3A;4B": 4, "16A;2B": 3, "18B": 3, "9A": 1, "8B": 0.5, "23A": 1, "24A": 1,
                 "22A": 0.5, "20": 0.3, "7A": 1, "": 6}
"""Assessment factors as written (';'-separated CIN codes), '' for none recorded."""
MISSING_BEFORE_CSE = 0.4
"""Share of exploited victims' earlier referrals that were for going missing (10A)."""
PLAN_CATEGORY_AFTER = {"SAB": 85, "MUL": 15}
PLAN_CATEGORY_OTHER = {"NEG": 45, "EMO": 35, "PHY": 12, "MUL": 5, "SAB": 3}
LATER_SOURCE = {"6": 60, "2A": 15, "3A": 10, "1A": 10, "5D": 5}
"""Who refers a victim again after a closed case (police mostly; assumption, as SOURCE_AFTER)."""
CLOSURE_REASON = {"RC8": 35, "RC7": 25, "RC9": 15, "RC5": 10, "RC3": 5, "RC4": 4, "RC1": 2,
                  "RC6": 3, "RC2": 1}


@dataclass
class Referrals:
    """referral rows; `record` indexes the agency person records. Dates NO_DATE when absent."""

    record: np.ndarray
    date: np.ndarray
    source: np.ndarray
    need: np.ndarray
    factors: np.ndarray
    """Object array of ';'-separated factor codes, None when none were recorded."""
    section47: np.ndarray
    plan_start: np.ndarray
    plan_end: np.ndarray
    plan_category: np.ndarray
    closure: np.ndarray
    closure_reason: np.ndarray

    def __len__(self) -> int:
        return len(self.record)


def _draw_text(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> np.ndarray:
    values = np.array([v or None for v in weights], dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def _after_date(rng: np.random.Generator, start: np.ndarray, low: int, high: int,
                end: int) -> np.ndarray:
    """A date `low`-`high` days after `start`; NO_DATE if after `end` or `start` is absent."""
    date = start + rng.integers(low, high, len(start))
    return np.where((start != NO_DATE) & (date <= end), date, NO_DATE)


def _dates(world: World, children: Children) -> tuple[np.ndarray, np.ndarray]:
    """(child row, referral date) for every referral: one or two per child."""
    rng, period = world.rng, world.period
    n = len(children.person)
    dob = world.people.column("dob")[children.person]
    last = np.minimum(shift_years(dob, 18) - 1, period.end)
    victim = children.first_offence != NO_DATE
    before = rng.random(n) < 0.75
    earliest = np.maximum(dob, period.start - 3 * 365)
    anytime = earliest + np.floor(rng.random(n) * (last - earliest + 1)).astype(np.int64)
    first = np.where(victim, np.where(before, children.first_offence - rng.integers(30, 900, n),
                                      children.first_recorded + rng.integers(0, 46, n)),
                     anytime)
    first = np.clip(first, dob, last)
    again = rng.random(n) < np.where(victim, 0.35, 0.25)
    second = np.where(victim & before & (children.first_recorded > first),
                      children.first_recorded + rng.integers(0, 61, n),
                      first + rng.integers(60, 400, n))
    keep = again & (second <= last)
    return (np.concatenate([np.arange(n), np.flatnonzero(keep)]),
            np.concatenate([first, second[keep]]))


def draw_referrals(world: World, children: Children, first_record: int
                   ) -> tuple[Referrals, np.ndarray]:
    """Referrals of each child (one record each, numbered from `first_record`), and the
    earliest referral date per record."""
    rng, end = world.rng, world.period.end
    child, date = _dates(world, children)
    n = len(child)
    after = (children.first_offence[child] != NO_DATE) & (
        date >= children.first_offence[child])
    exploited = children.exploited[child]
    source = np.where(after, codes.draw(rng, "referral_source", SOURCE_AFTER, n),
                      codes.draw(rng, "referral_source", SOURCE_OTHER, n))
    need = np.where(after, codes.draw(rng, "primary_need", NEED_AFTER, n),
                    codes.draw(rng, "primary_need", NEED_OTHER, n))
    factors = _draw_text(rng, FACTORS_OTHER, n)
    missing_first = exploited & ~after & (rng.random(n) < MISSING_BEFORE_CSE)
    factors[missing_first] = "10A"
    by_child = children.by_child[child]
    factors = np.where(after & exploited, _draw_text(rng, FACTORS_EXPLOITED, n), np.where(
        after & by_child, _draw_text(rng, FACTORS_BY_CHILD, n), np.where(
            after, _draw_text(rng, FACTORS_BY_ADULT, n), factors)))
    section47 = np.where(rng.random(n) < np.where(after, 0.55, 0.2),
                         _after_date(rng, date, 1, 31, end), NO_DATE)
    plan_start = np.where(rng.random(n) < np.where(after, 0.45, 0.35),
                          _after_date(rng, section47, 5, 31, end), NO_DATE)
    plan_end = _after_date(rng, plan_start, 90, 541, end)
    category = np.where(after, codes.draw(rng, "category_of_abuse", PLAN_CATEGORY_AFTER, n),
                        codes.draw(rng, "category_of_abuse", PLAN_CATEGORY_OTHER, n))
    plan_open = (plan_start != NO_DATE) & (plan_end == NO_DATE)
    base = np.maximum(np.maximum(date, section47), plan_end)
    closure = np.where(plan_open | (rng.random(n) < 0.15), NO_DATE,
                       _after_date(rng, base, 7, 366, end))
    records = first_record + child
    earliest = np.full(len(children.person), end, dtype=np.int64)
    np.minimum.at(earliest, child, date)
    return Referrals(
        record=records, date=date, source=source.astype(np.int16), need=need.astype(np.int16),
        factors=factors, section47=section47, plan_start=plan_start, plan_end=plan_end,
        plan_category=np.where(plan_start != NO_DATE, category, -1).astype(np.int16),
        closure=closure,
        closure_reason=np.where(closure != NO_DATE, codes.draw(
            rng, "closure_reason", CLOSURE_REASON, n), -1).astype(np.int16)), earliest


def later_referrals(world: World, record: np.ndarray, date: np.ndarray,
                    factors: Mapping[str, float]) -> Referrals:
    """Referrals planted as new evidence on a closed case (`look_again.py`): the victim
    referred again on `date`, with exploitation factors, still open at the extraction."""
    rng = world.rng
    n = len(record)
    none = np.full(n, NO_DATE, dtype=np.int64)
    return Referrals(
        record=np.asarray(record, dtype=np.int64), date=np.asarray(date, dtype=np.int64),
        source=codes.draw(rng, "referral_source", LATER_SOURCE, n).astype(np.int16),
        need=np.full(n, codes.index("primary_need", "N1"), dtype=np.int16),
        factors=_draw_text(rng, factors, n), section47=none, plan_start=none, plan_end=none,
        plan_category=np.full(n, -1, dtype=np.int16), closure=none,
        closure_reason=np.full(n, -1, dtype=np.int16))


def concat_referrals(items: list[Referrals]) -> Referrals:
    """All referral rows in one table."""
    return Referrals(**{f.name: np.concatenate([getattr(i, f.name) for i in items])
                        for f in fields(Referrals)})
