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
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from tessera.linkage.preparation import (
    PREPARED,
    SAME_NAME_SIMILARITY,
    names_crossed_sql,
    names_swapped_sql,
)

DEFAULT_THRESHOLD = 0.9
"""Match probability at or above which two records are the same person.

Why 0.9: a false merge is the costlier error in Tessera. It gives one child another child's
offences, contacts and referrals and removes a victim from the count, and nobody downstream
can see it happened; a missed link only splits one child's history, which the deterministic
NHS number / UPN rule already repairs for most children. At 0.9 pairwise precision is 0.999
and recall 0.998 on the synthetic records, and precision 0.992 to 0.998 on FEBRL 1 to 4
(docs/linkage.md); the prior is measured from the file, so 0.9 means the same on any
file. Twins and siblings are kept apart by a rule, not by the threshold
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
    """Date of birth levels: exact, day and month swapped, one typing error, else.

    Why a transposition level: agencies swap day and month (04/03 for 03/04) often enough
    that treating it as a plain disagreement would split children; a separate level lets
    the model learn how much weaker it is than an exact match. A typing error (2010 for
    2011, 1934 for 1943: one character changed or two neighbours swapped) is the other
    common error. A "within a month" level is left out: it parses both dates of every pair,
    a fifth of the time of scoring a million records, for an error agencies rarely make.
    """
    # Same year first, in a CASE, so that the rest is worked out for few pairs.
    transposed = (
        'CASE WHEN left("date_of_birth_l", 4) = left("date_of_birth_r", 4) THEN '
        'substr("date_of_birth_l", 6, 2) = substr("date_of_birth_r", 9, 2) AND '
        'substr("date_of_birth_l", 9, 2) = substr("date_of_birth_r", 6, 2) ELSE false END')
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth"),
            cll.CustomLevel(transposed, label_for_charts="Day and month transposed"),
            _typing_error_level("date_of_birth"),
            cll.ElseLevel(),
        ],
    )


def _typing_error_level(column: str) -> cll.CustomLevel:
    """One typing error in a code of fixed shape: one character changed, or two neighbours
    swapped (1934 for 1943).

    Why not Splink's Damerau-Levenshtein level: it is five times as slow as the comparisons
    around it on the millions of pairs a large file scores. A position-by-position count
    (Hamming distance, for two values of one length) finds most pairs too far apart at once,
    and the exact test runs only on the few left with two characters different (nested
    CASEs, because DuckDB evaluates both sides of an OR).
    """
    left, right = f"{column}_l", f"{column}_r"
    return cll.CustomLevel(
        f"CASE WHEN length({left}) = length({right}) THEN CASE hamming({left}, {right}) "
        f"WHEN 1 THEN true WHEN 2 THEN damerau_levenshtein({left}, {right}) = 1 "
        "ELSE false END END",
        label_for_charts="One typing error")


def _given_name() -> ComparisonCreator:
    """Given name levels: exact (term-frequency adjusted), short form, close spellings,
    swapped with the family name, one record's given name in the other's family name, else.

    Why the short-form and swap levels: a nickname at school (Bill for William) and given and
    family names entered the wrong way round are the commonest ways one child's records
    disagree on a given name; as their own levels, what is left in "else" is mostly a
    different child, and the model learns to weigh it as such. The one-way level is a name
    typed into the wrong field while the other field got something else; it lives in the
    given name's comparison only, so the one fact is counted once.
    """
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.CustomLevel("list_has_any(given_name_forms_l, given_name_forms_r)",
                            label_for_charts="Short form of the same name"),
            cll.JaroWinklerLevel("given_name", SAME_NAME_SIMILARITY),
            cll.JaroWinklerLevel("given_name", 0.8),
            _swapped_level(),
            cll.CustomLevel(names_crossed_sql(),
                            label_for_charts="Given name in the other's family name"),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> ComparisonCreator:
    """Family name levels: exact (term-frequency adjusted), close spellings, swapped with the
    given name, else.

    Why a swap level here too: on a swapped pair the family names disagree outright, and
    without the level the "else" weight, learnt from different people, would cancel what the
    given name's swap level found. Term frequencies: a shared "Smith" says less than a shared
    "Okonkwo-Baptiste".
    """
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("family_name", SAME_NAME_SIMILARITY),
            cll.JaroWinklerLevel("family_name", 0.8),
            _swapped_level(),
            cll.ElseLevel(),
        ],
    )


def _swapped_level() -> cll.CustomLevel:
    """Given and family names entered the wrong way round, allowing a typo in either."""
    return cll.CustomLevel(names_swapped_sql(),
                           label_for_charts="Given and family names swapped")


def _postcode() -> ComparisonCreator:
    """Postcode levels: exact, same district, one typing error, else.

    Why no sector or area level: families move across a city rather than next door, so on
    agency data a shared sector is barely more telling than a shared district, and EM cannot
    estimate a level it rarely sees. The typing-error level (one character changed or two
    neighbours swapped) catches what the district level cannot: a slip in the outward code,
    or a postcode that is not a UK one; EM learns from the data how much it is worth.
    """
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="Same postcode district"),
            _typing_error_level("postcode"),
            cll.ElseLevel(),
        ],
    )


def _comparisons(columns: Collection[str], extras: Extras) -> list[ComparisonCreator]:
    """One comparison per identity column that holds values, then one per extra column."""
    found: list[ComparisonCreator] = []
    both = all(name in columns for name in _NAMES)
    for name in _NAMES:
        if name in columns:
            found.append((_given_name() if name == "given_name" else _family_name()) if both
                         else cl.JaroWinklerAtThresholds(name, [SAME_NAME_SIMILARITY, 0.8])
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
                     else cl.JaroWinklerAtThresholds(name, [SAME_NAME_SIMILARITY, 0.8]))
    return found


Key = tuple[str, ...]
"""A blocking key: SQL expressions over one record. Two records agreeing on all of them, none
null, are a candidate pair."""


def specific_keys(columns: Collection[str], extras: Extras | None = None) -> list[Key]:
    """Blocking keys always used: each pairs few records at any size of file.

    Why these: each catches true pairs the others miss when one field is noisy. A shared
    identifier finds people whose names were misspelt; the full name finds those whose date
    of birth is missing or mistyped; the date of birth with the postcode finds those whose
    names were swapped, replaced or left out; the date of birth with the family name's
    initial finds those who moved and whose given name is a nickname.
    """
    keys: list[Key] = [(column,) for column in ("nhs_number", "upn") if column in columns]
    keys += [(name,) for name, kind in (extras or {}).items() if kind == "identifier"]
    names = [n for n in _NAMES if n in columns]
    if names:
        keys.append(tuple(names))
    if "date_of_birth" in columns:
        if "postcode" in columns:
            keys.append(("date_of_birth", "postcode"))
        initial = (f"substr({names[-1]}, 1, 1)",) if names else ()
        keys.append(("date_of_birth", *initial))
    return keys


def broad_keys(columns: Collection[str]) -> list[Key]:
    """Blocking keys on one field, used where the file is small enough to afford them.

    Why measured rather than fixed: one field alone finds the true pairs whose every other
    field is corrupted, but the pairs it makes grow with the square of the file (a date of
    birth alone pairs 280 million records in a million). `choose_broad_keys` takes those the
    file can afford; on a few thousand records that is all of them.
    """
    return [(column,) for column in ("postcode", "date_of_birth", *_NAMES)
            if column in columns]


PAIR_BUDGET_FLOOR = 500_000
"""Candidate pairs the broad keys may add to any file: about a second of scoring, enough for
a file of ten thousand records to be compared on every single field (FEBRL's 5,000 records
need about 100,000)."""

PAIRS_PER_RECORD = 5
"""Candidate pairs per record the broad keys may add to a large file. The specific keys make
about 20 per record on agency data; this lets a cheap one-field key (a postcode) in and
keeps an expensive one (a date of birth alone, 6 per record at 100,000 records and growing
with the file) out, so time grows with the file, not with its square."""


def pair_budget(records: int) -> int:
    """Candidate pairs the broad keys may add to a file of `records` records."""
    return max(PAIR_BUDGET_FLOOR, PAIRS_PER_RECORD * records)


def choose_broad_keys(pairs: Mapping[Key, int], budget: int) -> list[Key]:
    """The broad keys to use, fewest pairs first, while their pairs fit in the budget.

    Args:
        pairs: Each broad key and the candidate pairs it makes on this file
            (`key_pairs_sql`).
        budget: Candidate pairs they may add together (`pair_budget`).
    """
    chosen: list[Key] = []
    spent = 0
    for key, count in sorted(pairs.items(), key=lambda item: item[1]):
        if spent + count <= budget:
            chosen.append(key)
            spent += count
    return chosen


def key_pairs_sql(key: Key) -> str:
    """SQL counting the record pairs a blocking key makes on the normalised records: from
    group sizes, so counting the pairs of a broad key costs one group-by, not the join."""
    not_null = " AND ".join(f"{expression} IS NOT NULL" for expression in key)
    return (f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM (SELECT count(*) AS n "
            f"FROM {PREPARED} WHERE {not_null} GROUP BY {', '.join(key)})")


def prediction_rules(columns: Collection[str], extras: Extras | None = None,
                     broad: Collection[Key] = ()) -> list[BlockingRuleCreator]:
    """Blocking rules generating the pairs the model scores: the specific keys, swapped
    names (where both are present), and the `broad` keys the file affords. Recall and time
    of the whole, on FEBRL and on synthetic records at three sizes, are in docs/linkage.md.
    """
    rules: list[BlockingRuleCreator] = [
        block_on(*key) for key in [*specific_keys(columns, extras), *broad]]
    if all(name in columns for name in _NAMES):
        # Exact swaps only: an equality join stays cheap at any size, and a swap with a typo
        # as well is left to the date of birth with the postcode.
        rules.append(CustomRule(
            "l.given_name = r.family_name AND l.family_name = r.given_name"))
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
    """The columns a comparison reads: with both names present each name comparison reads
    the other too (for swapped names), so blocking on either leaves both nothing to learn."""
    if comparison in _NAMES and all(name in columns for name in _NAMES):
        return set(_NAMES)
    return {comparison}


def prior_keys(columns: Collection[str]) -> list[Key]:
    """Near-certain keys, one of which estimates the chance that two random records match:
    the same identifier and date of birth, or the same full name and date of birth."""
    keys: list[Key] = []
    if "date_of_birth" in columns:
        keys += [(identifier, "date_of_birth") for identifier in ("nhs_number", "upn")
                 if identifier in columns]
        if all(name in columns for name in _NAMES):
            keys.append((*_NAMES, "date_of_birth"))
    return keys


def linkage_settings(columns: Collection[str], extras: Extras | None = None,
                     broad: Collection[Key] = ()) -> SettingsCreator:
    """Splink settings deduplicating person records on the populated `columns`.

    Args:
        columns: Identity columns (core-dataset names) holding at least one value.
        extras: Further columns an analyst's file carries, and how to compare each.
        broad: The one-field blocking keys this file affords (`choose_broad_keys`).

    Returns:
        Settings for a `dedupe_only` model keyed on `record_id`.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=list[ComparisonCreator | dict[str, Any]](
            _comparisons(columns, extras or {})),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
            prediction_rules(columns, extras, broad)),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
