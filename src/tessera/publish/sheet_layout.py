"""A release laid out as the Government Analysis Function asks of a statistical workbook, once
for both formats: a cover sheet, a contents sheet, a notes sheet, then one table per sheet with
its title, description, note references, shorthand and source above it.

Why one layout and two writers: the ODS workbook (the open format government prefers,
`publish/ods.py`) and the XLSX one (gptables, `publish/xlsx.py`), written together by
`publish/spreadsheets.py`, must say exactly the same thing; building every sheet's text,
notes and cells here means the writers only place them.

Why numbers stay numbers: a figure is written as a number cell and only the shorthand that
stands in for a figure ([c], [x], [z], [u]) is text, so a reader's software can add the
column up; every shorthand a sheet uses is explained above its table and on the cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from tessera.analysis.results import Column
from tessera.errors import PublicationError
from tessera.publish.cells import decimals
from tessera.publish.disclosure import DisclosureRule
from tessera.publish.editions import Edition, EditionTable, Shown, Symbol

SHEET_NAME_LIMIT = 31
"""Spreadsheet software refuses longer tab names."""

Figure = str | int | float
"""One cell as a workbook holds it: a label or shorthand as text, a figure as a number."""


INSTRUCTIONS = ("This worksheet contains one table. Notes are on the Notes worksheet; the "
                "shorthand used in the table is explained below.")
KEYWORDS = "child sexual abuse; child sexual exploitation; official statistics; England; Wales"
"""The workbooks' document keywords, which search tools and screen readers offer."""
NOTES_ABOUT = ("Notes are on the Notes worksheet and cited in the tables as [note 1], [note 2] "
               "and so on.")
COVER_HEADINGS = ("Introductory information", "About these data")
"""Headings of the cover's two sections, as gptables writes them."""


@dataclass(frozen=True)
class TableText:
    """What a table says about itself: its title, a one-line description and its notes."""

    title: str
    description: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Release:
    """Everything a workbook of one release is made of.

    `provenance` says where the figures come from (for example, synthetic data made by
    `tessera synth`); it is given, not assumed, because only the warehouse knows.
    """

    title: str
    summary: str
    provenance: str
    edition: Edition
    texts: Mapping[str, TableText]
    published: date
    rule: DisclosureRule = field(default_factory=DisclosureRule)


@dataclass(frozen=True)
class Note:
    """One note of the release, numbered across the workbook in the order the sheets cite it."""

    number: int
    text: str
    key: str
    """A name unique in the workbook (gptables cites notes by name and numbers them itself)."""

    @property
    def reference(self) -> str:
        """How the Analysis Function says a note is cited: [note 1]."""
        return f"[note {self.number}]"


@dataclass(frozen=True)
class TableSheet:
    """One table on its own sheet: the text above it, its typed columns and its cells."""

    sheet: str
    name: str
    title: str
    description: str
    notes: tuple[Note, ...]
    legend: tuple[str, ...]
    source: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Figure, ...], ...]


@dataclass(frozen=True)
class Workbook:
    """The laid-out release: cover text, the notes and every table sheet, in order."""

    title: str
    summary: str
    intro: tuple[str, ...]
    about: tuple[str, ...]
    notes: tuple[Note, ...]
    tables: tuple[TableSheet, ...]


def symbol_meanings(rule: DisclosureRule) -> dict[Symbol, str]:
    """What each shorthand means in this release (the Analysis Function's wording, with the
    thresholds of `rule`)."""
    return {
        Symbol.CONFIDENTIAL: (f"{Symbol.CONFIDENTIAL} = confidential: a count from 1 to "
                              f"{rule.smallest_shown - 1}, or a figure that would give one back "
                              "by subtraction, withheld to protect the people counted"),
        Symbol.NOT_APPLICABLE: f"{Symbol.NOT_APPLICABLE} = not applicable",
        Symbol.NOT_AVAILABLE: f"{Symbol.NOT_AVAILABLE} = not available",
        Symbol.LOW_RELIABILITY: (f"{Symbol.LOW_RELIABILITY} = low reliability: a rate or "
                                 f"interval from fewer than {rule.reliable_from} events"),
    }


def lay_out(release: Release) -> Workbook:
    """The workbook of `release`: one sheet per edition table, in the edition's order."""
    meanings = symbol_meanings(release.rule)
    sheets: list[TableSheet] = []
    for name in release.edition.tables:
        cited = sum(len(sheet.notes) for sheet in sheets)
        sheets.append(_table_sheet(release, name, cited, meanings))
    _check_unique([sheet.sheet for sheet in sheets])
    notes = tuple(note for sheet in sheets for note in sheet.notes)
    used = [meaning for meaning in meanings.values()
            if any(meaning in sheet.legend for sheet in sheets)]
    intro = (release.summary, f"Source: {release.provenance}",
             f"Published: {release.published:%d %B %Y}")
    about = ("Each table is on its own worksheet; the Contents worksheet lists them.",
             *([NOTES_ABOUT] if notes else []),
             *(["Shorthand used in the tables:", *used] if used else []))
    return Workbook(release.title, release.summary, intro, about, notes, tuple(sheets))


def _table_sheet(release: Release, name: str, cited: int,
                 meanings: dict[Symbol, str]) -> TableSheet:
    """The sheet of table `name`, its notes numbered on from the `cited` notes before it."""
    shown, text = release.edition.tables[name], release.texts[name]
    notes = tuple(Note(cited + i, note, f"{name}_{i}")
                  for i, note in enumerate(text.notes, start=1))
    legend = tuple(meanings[symbol] for symbol in _symbols_in(shown))
    rows = tuple(tuple(_cell(value) for value in row) for row in shown.rows)
    return TableSheet(sheet_name(name), name, text.title, text.description, notes, legend,
                      f"Source: {release.provenance}", shown.table.columns, rows)


def sheet_name(table: str) -> str:
    """A readable tab name for a table key ('offence_categories' -> 'Offence categories')."""
    return table.replace("_", " ").capitalize()[:SHEET_NAME_LIMIT]


def notes_line(notes: tuple[Note, ...], cite: str | None = None) -> str:
    """The line above a table citing its notes: 'Notes for this table: [note 1][note 2]'.

    `cite` formats a note's citation (gptables wants its own `$$key$$` and numbers them).
    """
    citations = "".join(cite.format(key=note.key) if cite else note.reference for note in notes)
    return f"Notes for this table: {citations}"


def number_format(column: Column) -> str | None:
    """The spreadsheet number format of a figure column (None for a label column)."""
    places = decimals(column)
    if places is None:
        return None
    return "#,##0" + ("." + "0" * places if places else "")


def column_width(column: Column, rows: tuple[tuple[Figure, ...], ...], position: int) -> int:
    """A readable width in characters: the longest value or header word run, within 10-50."""
    values = [f"{value:,}" if isinstance(value, int | float) else value
              for value in (row[position] for row in rows)]
    longest = max([len(column.label), *(len(value) for value in values)])
    return min(max(longest + 2, 10), 50)


def _cell(value: Shown) -> Figure:
    """A shown value as a cell: a figure stays a number, a symbol becomes its text, and no
    value (a total row's code) is [z], since the guidance wants no empty cells in a table."""
    if value is None:
        return str(Symbol.NOT_APPLICABLE)
    if isinstance(value, Symbol):
        return str(value)
    return value


def _symbols_in(shown: EditionTable) -> list[Symbol]:
    cells = {value for row in shown.rows for value in row}
    return [symbol for symbol in Symbol
            if symbol in cells or (symbol is Symbol.NOT_APPLICABLE and None in cells)]


def _check_unique(names: list[str]) -> None:
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise PublicationError(f"two tables would share the worksheet {', '.join(clashes)}: "
                               "shorten their names so the first 31 characters differ")
