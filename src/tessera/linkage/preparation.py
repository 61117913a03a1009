"""Normalising person records for linkage, and the deterministic identifier rule.

Why normalise before Splink sees the data: agencies write the same identity differently
(upper-case family names, postcodes with or without the space, an invalid NHS number typed
into the field, sex "U"). Comparing raw text would teach the model that these are
disagreements. Invalid identifiers become null so they can never link two people.

The NHS number and UPN check-digit SQL comes from `dataset.identifiers`, the one place
validation and linkage both read it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from tessera.dataset import codelist
from tessera.dataset.identifiers import nhs_number_valid_sql, upn_valid_sql
from tessera.warehouse.engine import quote_identifier as q

IDENTITY_COLUMNS: tuple[str, ...] = (
    "given_name", "family_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn",
)
"""Core-dataset columns linkage reads besides record_id; any may be absent."""

PREPARED = "linkage_records"
"""Name of the normalised input table in the DuckDB connection."""
DETERMINISTIC = "linkage_deterministic_edges"
"""Name of the table of record pairs the identifier rule links outright."""
VARIANTS = "linkage_name_variants"
"""Name of the table of given-name short forms (variant, name), lower case."""


def name_variants() -> pa.Table:
    """The dataset's given-name short forms (Liz for Elizabeth), lower case, as a table.

    Why a list: a nickname is a different string, so text similarity scores Bill and William
    as unlike as two different children; without the list the model learns that different
    given names are common among true matches and stops keeping siblings apart.
    """
    pairs = [(r["code"].lower(), full.lower()) for r in codelist("given_name_variants").rows
             for full in r["short_form_of"].split(";")]
    return pa.table({"variant": [v for v, _ in pairs], "name": [n for _, n in pairs]})


_UK_POSTCODE = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
"""A UK postcode with its space taken out (LS61AB)."""


def _normalised(column: str) -> str:
    """SQL expression normalising one identity column read from table `raw`."""
    raw = f"nullif(trim(CAST(raw.{q(column)} AS VARCHAR)), '')"
    if column in ("given_name", "family_name"):
        # Letters only: agencies write O'Neill, ONeill and O Neill, Smith-Jones and Smith
        # Jones, and a stray space is a common typing error; none of them is another name.
        return f"nullif(regexp_replace(lower({raw}), '[^\\p{{L}}]', '', 'g'), '')"
    if column == "date_of_birth":
        # Keep text (the transposition level compares parts) but only for real dates,
        # written one way (2010-03-04, never 2010-3-4) so that equal dates are equal text.
        return f"strftime(try_strptime({raw}, '%Y-%m-%d'), '%Y-%m-%d')"
    if column == "sex":
        return f"CASE WHEN upper({raw}) IN ('F', 'M') THEN upper({raw}) END"
    if column == "postcode":
        # One canonical spacing for a UK postcode: outward code, one space, three-character
        # inward code. Anything else (a 4-digit postcode abroad, a partial one) is kept
        # squashed and upper case: it still tells one address from another, and the model
        # learns from the data how much.
        squashed = f"upper(replace({raw}, ' ', ''))"
        return (f"CASE WHEN regexp_full_match({squashed}, '{_UK_POSTCODE}') THEN "
                f"substr({squashed}, 1, length({squashed}) - 3) || ' ' || "
                f"right({squashed}, 3) ELSE {squashed} END")
    if column == "nhs_number":
        squashed = f"replace(replace({raw}, ' ', ''), '-', '')"
        return f"CASE WHEN {nhs_number_valid_sql(squashed)} THEN {squashed} END"
    if column == "upn":
        squashed = f"upper(replace({raw}, ' ', ''))"
        return f"CASE WHEN {upn_valid_sql(squashed)} THEN {squashed} END"
    raise ValueError(f"not an identity column: {column}")


def prepared_records_sql(present: Iterable[str], extras: Iterable[str] = ()) -> str:
    """SQL creating the normalised table from `raw`; absent columns become typed nulls.

    Why every identity column exists afterwards: the SQL that follows (the identifier rule,
    the output) need not branch on the input's shape; the Splink settings still leave out
    comparisons on columns with no values (see `settings.linkage_settings`). Each record
    also gets `given_name_forms`: its given name and every full name it is a short form of,
    so Liz and Beth both meet Elizabeth, and `postcode_district` (LS6 of LS6 1AB, null for
    a postcode that is not a UK one), worked out once per record rather than once per pair.
    `extras`, an analyst's further columns, are kept as trimmed lower-case text.
    """
    have = set(present)
    selects = ['CAST(raw.record_id AS VARCHAR) AS record_id']
    for column in IDENTITY_COLUMNS:
        expr = _normalised(column) if column in have else "CAST(NULL AS VARCHAR)"
        selects.append(f"{expr} AS {q(column)}")
    for column in extras:
        selects.append(f"lower(nullif(trim(CAST(raw.{q(column)} AS VARCHAR)), '')) "
                       f"AS {q(column)}")
    return (f"CREATE OR REPLACE TABLE {PREPARED} AS "
            f"SELECT n.*, CASE WHEN n.given_name IS NOT NULL THEN "
            f"list_distinct(list_value(n.given_name) || coalesce(v.forms, [])) "
            f"END AS given_name_forms, "
            f"nullif(regexp_extract(n.postcode, '^([A-Z]{{1,2}}[0-9][A-Z0-9]?) ', 1), '') "
            f"AS postcode_district "
            f"FROM (SELECT {', '.join(selects)} FROM raw WHERE raw.record_id IS NOT NULL) n "
            f"LEFT JOIN (SELECT variant, list(name) AS forms FROM {VARIANTS} GROUP BY variant) v "
            f"ON v.variant = n.given_name")


def deterministic_edges_sql() -> str:
    """SQL creating the pairs linked outright: same valid NHS number or UPN, same birth date.

    Why a rule outside the model: a valid shared identifier with the same date of birth is
    as certain as linkage gets, and the model's blocking may not score every such pair.
    Requiring the date of birth as well stops the generator's (and life's) occasional
    wrong-but-valid number from merging two people.
    """
    pairs = " UNION ".join(
        f"SELECT l.record_id AS record_id_l, r.record_id AS record_id_r "
        f"FROM {PREPARED} l JOIN {PREPARED} r ON l.{key} = r.{key} "
        f"AND l.date_of_birth = r.date_of_birth AND l.record_id < r.record_id"
        for key in ("nhs_number", "upn"))
    return (f"CREATE OR REPLACE TABLE {DETERMINISTIC} AS "
            f"SELECT record_id_l, record_id_r, 1.0::DOUBLE AS match_probability "
            f"FROM ({pairs})")


SAME_NAME_SIMILARITY = 0.92
"""Jaro-Winkler similarity at or above which two names are one name with a typo (the model's
closest fuzzy level)."""

DIFFERENT_NAME_SIMILARITY = 0.8
"""Jaro-Winkler similarity below which two given names (not short forms of one another) are
clearly different, and two family names at or above which they are the same family's."""


def _similar_sql(pairs: list[tuple[str, str]]) -> str:
    """SQL true when each pair of names is one name, allowing a typo.

    Why the CASE: the initials are compared first, and almost every pair of records fails
    there; DuckDB skips a CASE branch for the rows that fail (it evaluates both sides of an
    AND or OR), so the costlier similarity runs on a few pairs rather than on the millions a
    large file scores.
    """
    initials = " AND ".join(f"left({one}, 1) = left({other}, 1)" for one, other in pairs)
    similar = " AND ".join(f"jaro_winkler_similarity({one}, {other}) >= {SAME_NAME_SIMILARITY}"
                           for one, other in pairs)
    return f"(CASE WHEN {initials} THEN {similar} ELSE false END)"


def names_swapped_sql(left: str = "{}_l", right: str = "{}_r") -> str:
    """SQL true when one record's given name is the other's family name and the other way
    round, allowing a typo in either (`left` and `right` name a column of each side).

    Why one condition in two places: the model weighs a swap as its own level of both name
    comparisons, and the relatives rule must not take a swapped pair for two siblings.
    """
    given_l, family_l = left.format("given_name"), left.format("family_name")
    given_r, family_r = right.format("given_name"), right.format("family_name")
    return _similar_sql([(given_l, family_r), (family_l, given_r)])


def names_crossed_sql() -> str:
    """SQL true when one record's given name is the other's family name, one way only: a
    name typed into the wrong field while the other field got something else."""
    return (f"{_similar_sql([('given_name_l', 'family_name_r')])} OR "
            f"{_similar_sql([('given_name_r', 'family_name_l')])}")


def relatives_apart_sql(predicted: str, *, apply: bool = True,
                        identifiers: Iterable[str] = ()) -> str:
    """SQL selecting the model's pairs from `predicted`, each flagged `kept` unless it looks
    like two siblings (every pair kept when `apply` is false).

    Why a rule after the model: the model treats fields as independent, but brothers, sisters
    and twins agree on family name, address and often sex (twins on birth date too) together,
    and a rare family name with a shared postcode weighs so much that a different given name
    cannot outvote it. Records of one family name whose given names are clearly different
    (not a typo, not a short form of one another, not given and family name swapped) are
    kept apart, and so are names only a little alike (Amina, Amit) recorded with different
    sexes, as one person's records would need two errors for that. A shared valid identifier
    with the birth date still links them through the deterministic rule, and records agreeing
    on one of an analyst's extra `identifiers` are never kept apart. The pairs kept apart stay
    in the output for review.
    """
    same_family = (f"(l.family_name = r.family_name OR jaro_winkler_similarity("
                   f"l.family_name, r.family_name) >= {DIFFERENT_NAME_SIMILARITY})")
    different_given = (
        f"((jaro_winkler_similarity(l.given_name, r.given_name) < {DIFFERENT_NAME_SIMILARITY} "
        f"OR (coalesce(l.sex <> r.sex, false) AND jaro_winkler_similarity(l.given_name, "
        f"r.given_name) < {SAME_NAME_SIMILARITY})) "
        f"AND NOT list_has_any(l.given_name_forms, r.given_name_forms) "
        f"AND NOT ({names_swapped_sql('l.{}', 'r.{}')}))")
    shared = "".join(f" AND NOT coalesce(l.{q(c)} = r.{q(c)}, false)" for c in identifiers)
    kept = (f"NOT coalesce({same_family} AND {different_given}{shared}, false)" if apply
            else "true")
    return (
        f"SELECT p.record_id_l, p.record_id_r, p.match_probability, p.match_weight, "
        f"{kept} AS kept "
        f"FROM {predicted} p "
        f"JOIN {PREPARED} l ON l.record_id = p.record_id_l "
        f"JOIN {PREPARED} r ON r.record_id = p.record_id_r")


def relatives_evidence_sql() -> str:
    """SQL counting the record pairs that look like two relatives or like one person whose
    given name was replaced: same family name and postcode, clearly different given names,
    both birth dates known; and how many of those share the birth date.

    Why: siblings share a family name and an address but not a birth date (twins apart), while
    one person's records with a replaced given name keep it. Most such pairs born on different
    days means the file holds families, and the relatives rule is needed; most born on the
    same day means a different given name is a corruption the model must weigh.
    """
    different_given = (f"jaro_winkler_similarity(l.given_name, r.given_name) < "
                       f"{DIFFERENT_NAME_SIMILARITY} "
                       f"AND NOT list_has_any(l.given_name_forms, r.given_name_forms)")
    return (
        f"SELECT count(*) AS pairs, count(*) FILTER (l.date_of_birth = r.date_of_birth) "
        f"AS same_birth_date "
        f"FROM {PREPARED} l JOIN {PREPARED} r ON l.family_name = r.family_name "
        f"AND l.postcode = r.postcode AND l.record_id < r.record_id "
        f"WHERE l.date_of_birth IS NOT NULL AND r.date_of_birth IS NOT NULL "
        f"AND {different_given}")


def populated_columns_sql() -> str:
    """SQL counting the normalised records, then the non-null values of each identity
    column."""
    counts = ", ".join(f"count({q(c)}) AS {q(c)}" for c in IDENTITY_COLUMNS)
    return f"SELECT count(*) AS records, {counts} FROM {PREPARED}"
