"""Reading the list's settings files (eligibility rules, feature weights): CSV a reviewer can
read, each row with its rationale, and one clean error naming the file, row and field when
a row is wrong.

Why one reader: both files are edited by hand, so both must fail the same way, in a line a
user can act on, before any query runs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

from tessera.errors import ConfigurationError

T = TypeVar("T")


@dataclass(frozen=True)
class DataRow:
    """One row of a settings file: its values by column and where it is, for errors."""

    source: str
    line: int
    values: dict[str, str]

    def value(self, field: str) -> str:
        """The value of `field`, stripped; an empty value is an error naming the row."""
        text = (self.values.get(field) or "").strip()
        if not text:
            raise self.error(field, "is empty")
        return text

    def error(self, field: str, problem: str) -> ConfigurationError:
        """An error naming this file, row and field, saying what is wrong."""
        return ConfigurationError(f"{self.source} row {self.line}, field {field}: {problem}")


@dataclass(frozen=True)
class DataFile:
    """The rows of one settings file and the name to give it in errors. Every settings file
    has a `rationale` column that no row may leave empty: a value nobody can justify is not
    a setting."""

    source: str
    rows: tuple[DataRow, ...]

    def one_row_each(self, key: str, known: tuple[str, ...],
                     parse: Callable[[str, DataRow], T]) -> dict[str, T]:
        """Each row's value by the name in its `key` column, read by `parse(name, row)`:
        each known name exactly once, no other name.

        Rows are checked in file order, so the error names the first wrong row; a known name
        missing is reported after every row has been read. Raises `ConfigurationError`.
        """
        found: dict[str, T] = {}
        lines: dict[str, int] = {}
        for row in self.rows:
            name = row.value(key)
            if name not in known:
                raise row.error(key, f"unknown {key} {name!r}; the known ones are "
                                     f"{', '.join(known)}")
            if name in lines:
                raise row.error(key, f"{name!r} is given twice (first on row {lines[name]})")
            row.value("rationale")
            lines[name] = row.line
            found[name] = parse(name, row)
        missing = [name for name in known if name not in found]
        if missing:
            raise ConfigurationError(f"{self.source}: no row for {key} {', '.join(missing)}")
        return found


def read_file(path: Path | None, default: str, key: str, value: str) -> DataFile:
    """The settings file at `path`, or the package's file `default` when no path is given;
    its columns are `key`, `value` and `rationale`.

    Raises `ConfigurationError` when the file cannot be read or lacks one of the columns.
    A byte order mark (as spreadsheet programs write) is ignored.
    """
    if path is None:
        text = (resources.files(__package__) / default).read_text(encoding="utf-8")
        source = default
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{path}: cannot read the file ({exc})") from exc
        source = str(path)
    reader = csv.DictReader(text.splitlines())
    fields = (key, value, "rationale")
    missing = [f for f in fields if f not in (reader.fieldnames or ())]
    if missing:
        raise ConfigurationError(f"{source} row 1: no column {', '.join(missing)}; the "
                                 f"columns are {', '.join(fields)}")
    return DataFile(source, tuple(DataRow(source, reader.line_num, dict(row))
                                  for row in reader))
