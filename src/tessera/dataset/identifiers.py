"""The check-digit rules of the national identifiers, as SQL expressions.

Written once here because both validation (reject a broken NHS number or UPN) and linkage
(never link on one) apply them, over whole columns in DuckDB.
"""

from __future__ import annotations

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
"""UPN check letters, indexed by the weighted sum of characters 2-13 modulo 23 (DfE)."""


def nhs_number_valid_sql(v: str) -> str:
    """SQL true when `v` is ten digits with a correct modulus 11 check digit."""
    weighted = " + ".join(f"{11 - i} * try_cast(substr({v}, {i}, 1) AS INTEGER)"
                          for i in range(1, 10))
    check = f"(11 - (({weighted}) % 11)) % 11"
    return (f"(regexp_full_match({v}, '[0-9]{{10}}') AND {check} <> 10 "
            f"AND {check} = try_cast(substr({v}, 10, 1) AS INTEGER))")


def upn_valid_sql(v: str) -> str:
    """SQL true when `v` is a UPN whose leading check letter matches characters 2-13."""
    def char_value(i: int) -> str:
        c = f"substr({v}, {i}, 1)"
        return (f"CASE WHEN regexp_full_match({c}, '[0-9]') THEN try_cast({c} AS INTEGER) "
                f"ELSE strpos('{UPN_LETTERS}', {c}) - 1 END")
    weighted = " + ".join(f"{i} * ({char_value(i)})" for i in range(2, 14))
    return (f"(regexp_full_match({v}, '[A-Z][0-9]{{11}}[0-9A-Z]') "
            f"AND substr('{UPN_LETTERS}', (({weighted}) % 23) + 1, 1) = substr({v}, 1, 1))")
