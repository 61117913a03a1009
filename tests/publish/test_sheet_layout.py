"""The layout both workbooks are written from: tab names, note numbering across sheets,
shorthand explained where it is used, and figures kept as numbers."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.analysis.results import Column, StatTable
from tessera.errors import PublicationError
from tessera.publish.disclosure import protect
from tessera.publish.editions import Symbol, published_edition
from tessera.publish.sheet_layout import (
    SHEET_NAME_LIMIT,
    Release,
    TableText,
    lay_out,
    number_format,
    symbol_meanings,
)

COLUMNS = (Column("area", "Area", "dimension"),
           Column("population", "Population", "count", protected=False),
           Column("offences", "Offences", "count"),
           Column("rate", "Per 100,000", "rate", of="offences", per="population"))


def _release(*names: str) -> Release:
    """Each table: no population ([z], so its rate [x]), a rate from few events ([u]) and a
    figure; no count is small enough to suppress."""
    rows = (("North", None, 40, 0.0), ("South", 300_000, 12, 0.0), ("East", 500_000, 60, 0.0))
    tables = [StatTable(name, name, COLUMNS, rows) for name in names]
    texts = {name: TableText(f"Title {name}", f"About {name}", (f"{name} one", f"{name} two"))
             for name in names}
    edition = published_edition(tables, protect(tables, []))
    return Release("Release", "Summary", "Made by a test", edition, texts, date(2026, 11, 30))


def test_notes_are_numbered_across_the_workbook_in_sheet_order() -> None:
    workbook = lay_out(_release("first", "second"))
    assert [(n.number, n.text) for n in workbook.notes] == [
        (1, "first one"), (2, "first two"), (3, "second one"), (4, "second two")]
    assert [n.reference for n in workbook.tables[1].notes] == ["[note 3]", "[note 4]"]


def test_each_sheet_explains_only_the_shorthand_it_uses_and_the_cover_all_of_it() -> None:
    release = _release("areas")
    meanings = symbol_meanings(release.rule)
    [sheet] = lay_out(release).tables
    assert sheet.legend == tuple(meanings[symbol] for symbol in (
        Symbol.NOT_APPLICABLE, Symbol.NOT_AVAILABLE, Symbol.LOW_RELIABILITY))
    assert set(sheet.legend) <= set(lay_out(release).about)
    assert meanings[Symbol.CONFIDENTIAL] not in lay_out(release).about


def test_figures_stay_numbers_and_shorthand_becomes_text() -> None:
    [sheet] = lay_out(_release("areas")).tables
    assert sheet.rows[0] == ("North", "[z]", 40, "[x]")
    assert sheet.rows[1] == ("South", 300_000, 12, "[u]")
    assert sheet.rows[2] == ("East", 500_000, 60, 12.0)
    assert [number_format(c) for c in COLUMNS] == [None, "#,##0", "#,##0", "#,##0.00"]


def test_tab_names_are_readable_and_fit_spreadsheet_software() -> None:
    long = "victims_by_ethnic_group_and_stage_of_investigation"
    names = [sheet.sheet for sheet in lay_out(_release("offence_categories", long)).tables]
    assert names[0] == "Offence categories"
    assert len(names[1]) == SHEET_NAME_LIMIT


def test_two_tables_that_would_share_a_tab_are_refused() -> None:
    stem = "x" * SHEET_NAME_LIMIT
    with pytest.raises(PublicationError, match="share the worksheet"):
        lay_out(_release(stem + "_north", stem + "_south"))
