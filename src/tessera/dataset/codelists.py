"""Code lists as package data: one CSV per list, each row with its source.

Why CSV and not Python: data managers and statisticians read and review code lists; a CSV
with a `source` column says where each code came from and can be checked against it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tessera.errors import DatasetError


@dataclass(frozen=True)
class CodeList:
    """One code list: its codes in file order, each row's columns, and aliases.

    `aliases` maps a code from another classification (e.g. police self-defined 18+1
    ethnicity) onto a code of this list, so agencies may send either.
    """

    name: str
    rows: tuple[dict[str, str], ...]
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes this list accepts as canonical values."""
        return tuple(row["code"] for row in self.rows)

    def label(self, code: str) -> str:
        """The human label of `code`, or the code itself if unknown."""
        return next((row["label"] for row in self.rows if row["code"] == code), code)

    def column(self, name: str) -> dict[str, str]:
        """A mapping of code to the value of another column (e.g. population)."""
        return {row["code"]: row[name] for row in self.rows}


ALIAS_FILES: dict[str, str] = {"ethnicity": "ethnicity_police_sde"}
"""Which code lists accept codes from another classification, and the file mapping them."""


def _read(name: str) -> tuple[dict[str, str], ...]:
    path = resources.files("tessera.dataset") / "codelists" / f"{name}.csv"
    if not path.is_file():
        raise DatasetError(f"code list {name!r} has no file codelists/{name}.csv")
    return tuple(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@cache
def codelist(name: str) -> CodeList:
    """Load a code list by name (the CSV file's stem), with its aliases if it has any."""
    rows = _read(name)
    if not rows or "code" not in rows[0] or "source" not in rows[0]:
        raise DatasetError(f"code list {name!r} needs 'code' and 'source' columns")
    aliases: tuple[tuple[str, str], ...] = ()
    if name in ALIAS_FILES:
        aliases = tuple((row["code"], row["maps_to"]) for row in _read(ALIAS_FILES[name]))
    return CodeList(name=name, rows=rows, aliases=aliases)


def codelist_names() -> list[str]:
    """Every code list shipped with the package, alias files included."""
    folder = resources.files("tessera.dataset") / "codelists"
    return sorted(p.name.removesuffix(".csv") for p in folder.iterdir() if p.name.endswith(".csv"))
