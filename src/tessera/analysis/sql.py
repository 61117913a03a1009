"""Named SQL files of an analysis product, and the one builder that chains them into statements.

Why steps: a rule is written once (the audit's `offence_category.sql`) and read by every table
that needs it. Each file is either a *step* (a SELECT that other files read by name, like a
view) or a *table query*. `NamedSql.sql` prefixes a query with the steps it reads, in dependency
order, as one `WITH` chain: a pure string, so the same text can be transpiled to Spark and no
temporary views are needed in a read-only warehouse. Every product (the audit now, problem
profiles and the performance framework later) declares its files here the same way, and may
read another product's steps by declaring them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine

_LEADING_COMMENTS = re.compile(r"\A(?:\s*--[^\n]*\n)*\s*")
_LEADING_WITH = re.compile(r"\AWITH\s", re.IGNORECASE)


@dataclass(frozen=True)
class NamedSql:
    """The `.sql` files of `package`, and the steps each reads by name (`reads`).

    A product may read another's steps: a name it reads that is not its own is looked up in
    the products it `uses` (the audit's `offence_category` in a problem profile, say), so the
    rule is still written once.
    """

    package: str
    reads: Mapping[str, tuple[str, ...]]
    uses: tuple[NamedSql, ...] = ()

    def load(self, name: str) -> str:
        """The text of `<name>.sql` from the package that owns it, without a trailing
        semicolon."""
        owner = self._owner(name)
        path = resources.files(owner.package) / f"{name}.sql"
        return path.read_text(encoding="utf-8").strip().rstrip(";").rstrip()

    def steps_for(self, name: str) -> list[str]:
        """The steps `name` reads, directly or through other steps, each after those it reads."""
        ordered: list[str] = []

        def visit(step: str) -> None:
            for needed in self._owner(step).reads[step]:
                if needed not in ordered:
                    visit(needed)
                    ordered.append(needed)

        visit(name)
        return ordered

    def sql(self, name: str) -> str:
        """One runnable statement: query `name` with the steps it reads as common table
        expressions.

        A query that starts with its own `WITH` has its expressions appended to the chain, so
        files stay ordinary SQL that an analyst can read and run once the steps exist.
        """
        steps = [f"{step} AS (\n{self.load(step)}\n)" for step in self.steps_for(name)]
        body = _LEADING_COMMENTS.sub("", self.load(name), count=1)
        if not steps:
            return body
        if _LEADING_WITH.match(body):
            return "WITH " + ",\n".join(steps) + ",\n" + _LEADING_WITH.sub("", body, count=1)
        return "WITH " + ",\n".join(steps) + "\n" + body

    def _owner(self, name: str) -> NamedSql:
        """This product if `name` is its own, else the first product it uses that has it."""
        if name in self.reads:
            return self
        for other in self.uses:
            if other.has(name):
                return other._owner(name)
        raise AnalysisError(f"{self.package} has no query named {name!r}")

    def has(self, name: str) -> bool:
        """Whether `name` is a query of this product or of one it uses."""
        return name in self.reads or any(other.has(name) for other in self.uses)


def require_tables(engine: Engine, tables: Iterable[tuple[str, str]]) -> None:
    """Fail with one clear line when a table an analysis reads is missing.

    Why here: every product runs its named SQL on a warehouse that `tessera ingest` makes, and
    a missing table would otherwise surface as a DuckDB catalog error in the middle of a query.
    """
    missing = [f"{schema}.{table}" for schema, table in tables
               if not engine.table_exists(schema, table)]
    if missing:
        raise AnalysisError(
            f"the warehouse has no {', '.join(missing)}; run 'tessera ingest' first")
