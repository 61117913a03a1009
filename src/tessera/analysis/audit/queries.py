"""The audit's named SQL files, and the one builder that chains them into runnable statements.

Why steps: the category rule is written once (`offence_category.sql`) and read by every table
and by `--explain`. Each file is either a *step* (a SELECT that other files read by name, like a
view) or a *table query*. `audit_sql` prefixes a query with the steps it reads, in dependency
order, as one `WITH` chain: a pure string, so the same text can be transpiled to Spark and no
temporary views are needed in a read-only warehouse.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from tessera.errors import AnalysisError

READS: dict[str, tuple[str, ...]] = {
    # steps
    "offence_category": (),
    "audit_group": (),
    "force_category_counts": ("offence_category",),
    "offence_in_group": ("offence_category",),
    "csa_party": ("offence_in_group",),
    "party_statement": ("csa_party",),
    # table queries
    "offence_categories": ("force_category_counts",),
    "category_by_force": ("force_category_counts",),
    "completeness": ("offence_category",),
    "profile": ("audit_group", "csa_party", "party_statement"),
    "completeness_by_stage": ("audit_group", "party_statement"),
    "outcomes": ("audit_group", "offence_category", "offence_in_group"),
    "nationality": ("audit_group", "csa_party", "party_statement"),
    "explain": ("offence_category",),
    "children": ("audit_group", "csa_party"),
}
"""Every SQL file of the audit and the steps it reads by name (each a file of the same name)."""

_LEADING_COMMENTS = re.compile(r"\A(?:\s*--[^\n]*\n)*\s*")
_LEADING_WITH = re.compile(r"\AWITH\s", re.IGNORECASE)


@cache
def load_sql(name: str) -> str:
    """The text of `<name>.sql` from this package, without a trailing semicolon."""
    if name not in READS:
        raise AnalysisError(f"the audit has no query named {name!r}")
    path = resources.files(__package__) / f"{name}.sql"
    return path.read_text(encoding="utf-8").strip().rstrip(";").rstrip()


def steps_for(name: str) -> list[str]:
    """The steps `name` reads, directly or through other steps, each after those it reads."""
    ordered: list[str] = []

    def visit(step: str) -> None:
        for needed in READS[step]:
            if needed not in ordered:
                visit(needed)
                ordered.append(needed)

    if name not in READS:
        raise AnalysisError(f"the audit has no query named {name!r}")
    visit(name)
    return ordered


def audit_sql(name: str) -> str:
    """One runnable statement: query `name` with the steps it reads as common table expressions.

    A query that starts with its own `WITH` has its expressions appended to the chain, so files
    stay ordinary SQL that an analyst can read and run once the steps exist.
    """
    steps = [f"{step} AS (\n{load_sql(step)}\n)" for step in steps_for(name)]
    body = _LEADING_COMMENTS.sub("", load_sql(name), count=1)
    if not steps:
        return body
    if _LEADING_WITH.match(body):
        return "WITH " + ",\n".join(steps) + ",\n" + _LEADING_WITH.sub("", body, count=1)
    return "WITH " + ",\n".join(steps) + "\n" + body
