"""The Splink model for person records: comparisons, blocking rules and the match threshold.

Why the model is built from the columns that hold values: a standalone file may carry only
names, or names and a date of birth. A comparison on an all-null column has nothing to learn
and a blocking rule on it finds no pairs, so both are left out rather than trained on air.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

DEFAULT_THRESHOLD = 0.9
"""Match probability at or above which two records are the same person.

Why 0.9: a false merge is the costlier error in Tessera. It gives one child another child's
offences, contacts and referrals and removes a victim from the count, and nobody downstream
can see it happened; a missed link only splits one child's history, which the deterministic
NHS number / UPN rule already repairs for most children. At 0.9 pairwise precision is 0.996
and recall 0.981 on the synthetic ground truth (tests/linkage/test_pipeline.py); twins
and siblings are kept apart by a rule, not by the threshold
(`preparation.relatives_apart_sql`). Raise it
where a wrong merge is worse than usual; lower it only with clerical review of the new links.
"""

U_MAX_PAIRS = 2e6
"""Random pairs sampled to estimate u: enough for stable estimates on files of a few
thousand to a few hundred thousand records while keeping a run to seconds."""

_NAMES = ("given_name", "family_name")

ExtraKind = Literal["text", "identifier"]
"""How an analyst's extra column is compared: text by similarity (an address line), an
identifier exactly and as a blocking rule (a local case number)."""
Extras = Mapping[str, ExtraKind]


def _date_of_birth() -> ComparisonCreator:
    """Date of birth levels: exact, day and month swapped, one character wrong, else.

    Why a transposition level: agencies swap day and month (04/03 for 03/04) often enough
    that treating it as a plain disagreement would split children; a separate level lets
    the model learn how much weaker it is than an exact match. A one-character slip (2010 for
    2011, 13 for 18) is the other common error. A "within a month" level is left out: it
    parses both dates of every pair, a fifth of the time of scoring a million records, for
    an error agencies rarely make.
    """
    transposed = (
        'substr("date_of_birth_l", 1, 4) = substr("date_of_birth_r", 1, 4) AND '
        'substr("date_of_birth_l", 6, 2) = substr("date_of_birth_r", 9, 2) AND '
        'substr("date_of_birth_l", 9, 2) = substr("date_of_birth_r", 6, 2)')
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth"),
            cll.CustomLevel(transposed, label_for_charts="Day and month transposed"),
            cll.LevenshteinLevel("date_of_birth", 1),
            cll.ElseLevel(),
        ],
    )


def _given_name() -> ComparisonCreator:
    """Given name levels: exact (term-frequency adjusted), short form, close spellings,
    swapped with the family name, else.

    Why the short-form and swap levels: a nickname at school (Bill for William) and given and
    family names entered the wrong way round are the commonest ways one child's records
    disagree on a given name; as their own levels, what is left in "else" is mostly a
    different child, and the model learns to weigh it as such.
    """
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.CustomLevel("list_has_any(given_name_forms_l, given_name_forms_r)",
                            label_for_charts="Short form of the same name"),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.JaroWinklerLevel("given_name", 0.8),
            cll.ColumnsReversedLevel("given_name", "family_name"),
            cll.ElseLevel(),
        ],
    )


def _postcode() -> ComparisonCreator:
    """Postcode levels: exact, same district, else.

    Why no sector or area level: families move across a city rather than next door, so on
    agency data a shared sector is barely more telling than a shared district, and EM cannot
    estimate a level it rarely sees.
    """
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="Same postcode district"),
            cll.ElseLevel(),
        ],
    )


def _comparisons(columns: Collection[str], extras: Extras) -> list[ComparisonCreator]:
    """One comparison per identity column that holds values, then one per extra column."""
    found: list[ComparisonCreator] = []
    if "given_name" in columns:
        found.append(_given_name() if "family_name" in columns else
                     cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8])
                     .configure(term_frequency_adjustments=True))
    if "family_name" in columns:
        # Term frequencies: a shared "Smith" says less than a shared "Okonkwo-Baptiste".
        found.append(cl.JaroWinklerAtThresholds("family_name", [0.92, 0.8])
                     .configure(term_frequency_adjustments=True))
    if "date_of_birth" in columns:
        found.append(_date_of_birth())
    if "sex" in columns:
        found.append(cl.ExactMatch("sex"))
    if "postcode" in columns:
        found.append(_postcode())
    for identifier in ("nhs_number", "upn"):
        # Identifiers are compared too, so a different valid number counts against a link
        # (it is what keeps twins apart when they otherwise agree on everything).
        if identifier in columns:
            found.append(cl.ExactMatch(identifier))
    for name, kind in extras.items():
        found.append(cl.ExactMatch(name) if kind == "identifier"
                     else cl.JaroWinklerAtThresholds(name, [0.92, 0.8]))
    return found


def prediction_rules(columns: Collection[str], extras: Extras | None = None
                     ) -> list[BlockingRuleCreator]:
    """Blocking rules generating the pairs the model scores.

    Why these: each catches true pairs the others miss when one field is noisy. A shared
    identifier or postcode finds people whose names were misspelt; the full name finds those
    whose date of birth is missing or transposed; the date of birth with the family name's
    initial finds those who moved and whose given name is a nickname. A date of birth alone
    is not a rule: in a million records it pairs 280 million children born the same day.
    Measured on a million synthetic records (benchmarks/linkage_scale.py), these rules reach
    99.7% of the true pairs with 23 million candidate pairs; with the date of birth alone
    instead of the last rule, 99.9% with 313 million.
    """
    rules: list[BlockingRuleCreator] = [
        block_on(column) for column in ("nhs_number", "upn", "postcode") if column in columns]
    rules += [block_on(name) for name, kind in (extras or {}).items() if kind == "identifier"]
    names = [n for n in _NAMES if n in columns]
    if names:
        rules.append(block_on(*names))
    if "date_of_birth" in columns:
        initial = [f"substr({names[-1]}, 1, 1)"] if names else []
        rules.append(block_on("date_of_birth", *initial))
    return rules


def training_rules(columns: Collection[str], extras: Extras | None = None
                   ) -> list[BlockingRuleCreator]:
    """Blocking rules for expectation maximisation of the m probabilities.

    Why two: EM cannot learn m for a column it blocks on, so the full name trains the date
    of birth, sex, postcode and identifiers, and the date of birth with the postcode trains
    the names. Both find few pairs that are not matches, which is what EM needs, and few pairs
    at all, which keeps training to seconds on a million records. A rule that would leave
    nothing to learn, or uses a column that is absent, is dropped.
    """
    names = [n for n in _NAMES if n in columns]
    candidates: list[tuple[BlockingRuleCreator, set[str]]] = []
    if names:
        candidates.append((block_on(*names), set(names)))
    if "date_of_birth" in columns and "postcode" in columns:
        candidates.append((block_on("date_of_birth", "postcode"), {"date_of_birth", "postcode"}))
    elif "date_of_birth" in columns:
        candidates.append((block_on("date_of_birth"), {"date_of_birth"}))
    if "date_of_birth" not in columns:
        # Without a birth date the names carry the model: train each on pairs of the other.
        candidates += [(block_on(n), {n}) for n in names]
    compared = [*columns, *(extras or {})]
    return [rule for rule, used in candidates
            if any(not (_reads(column, columns) & used) for column in compared)]


def _reads(comparison: str, columns: Collection[str]) -> set[str]:
    """The columns a comparison reads: the given-name one also reads the family name (for
    swapped names), so blocking on the family name leaves it nothing to learn."""
    if comparison == "given_name" and "family_name" in columns:
        return {"given_name", "family_name"}
    return {comparison}


def prior_rules(columns: Collection[str]) -> list[BlockingRuleCreator]:
    """Near-certain rules used to estimate the chance that two random records match."""
    rules: list[BlockingRuleCreator] = []
    if "date_of_birth" in columns:
        for identifier in ("nhs_number", "upn"):
            if identifier in columns:
                rules.append(block_on(identifier, "date_of_birth"))
        if all(name in columns for name in _NAMES):
            rules.append(block_on("given_name", "family_name", "date_of_birth"))
    return rules


def linkage_settings(columns: Collection[str], extras: Extras | None = None
                     ) -> SettingsCreator:
    """Splink settings deduplicating person records on the populated `columns`.

    Args:
        columns: Identity columns (core-dataset names) holding at least one value.
        extras: Further columns an analyst's file carries, and how to compare each.

    Returns:
        Settings for a `dedupe_only` model keyed on `record_id`.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=list[ComparisonCreator | dict[str, Any]](
            _comparisons(columns, extras or {})),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
            prediction_rules(columns, extras)),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
