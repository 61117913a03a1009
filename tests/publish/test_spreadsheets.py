"""The audit's workbooks read back: ODS (odfpy) and XLSX (openpyxl) against the published
edition they were written from, and against the Analysis Function's layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from odf import opendocument, teletype
from odf.table import DatabaseRange, Table, TableCell, TableRow

from tessera.analysis.audit import AuditResult
from tessera.publish.audit_disclosure import disclose_audit
from tessera.publish.audit_spreadsheets import audit_release
from tessera.publish.editions import Shown, Symbol
from tessera.publish.sheet_layout import SHEET_NAME_LIMIT, Release, sheet_name, symbol_meanings
from tessera.publish.spreadsheets import Spreadsheets, write_spreadsheets

SOURCE = "Synthetic data made by tessera synth (test warehouse)"
FRONT = ["Cover", "Contents", "Notes"]

Cell = str | int | float | None


@dataclass(frozen=True)
class SheetRead:
    """One worksheet as read back: the text above its table, its header and its rows, with
    whether each cell was stored as a number."""

    above: list[str]
    header: list[str]
    rows: list[list[Cell]]
    numeric: list[list[bool]]
    table_name: str | None


@pytest.fixture(scope="module")
def release(audit_result: AuditResult) -> Release:
    published, protection = disclose_audit(audit_result)
    return audit_release(audit_result, published, protection, SOURCE, date(2026, 11, 30))


@pytest.fixture(scope="module")
def spreadsheets(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Spreadsheets:
    return write_spreadsheets(release, tmp_path_factory.mktemp("workbooks"), "audit")


def read_ods(path: Path) -> dict[str, SheetRead]:
    """Every sheet of an ODS file: rows before the marked header rows are the text above."""
    document = opendocument.load(str(path))
    ranges = {str(r.getAttribute("targetrangeaddress")).split(".")[0].strip("'"):
              str(r.getAttribute("name"))
              for r in document.spreadsheet.getElementsByType(DatabaseRange)}
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        above: list[str] = []
        header: list[str] = []
        rows: list[list[Cell]] = []
        numeric: list[list[bool]] = []
        for row in table.getElementsByType(TableRow):
            cells: list[Cell] = []
            kinds: list[bool] = []
            for cell in row.getElementsByType(TableCell):
                assert not cell.getAttribute("numbercolumnsspanned"), "no merged cells"
                is_number = cell.getAttribute("valuetype") == "float"
                value = float(cell.getAttribute("value")) if is_number else teletype.extractText(
                    cell)
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                cells += [value] * repeat
                kinds += [is_number] * repeat
            if row.parentNode.tagName == "table:table-header-rows":
                header = [str(value) for value in cells]
            elif header:
                rows.append(cells)
                numeric.append(kinds)
            else:
                above.append(str(cells[0]))
        name = str(table.getAttribute("name"))
        sheets[name] = SheetRead(above, header, rows, numeric, ranges.get(name))
    return sheets


def read_xlsx(path: Path) -> dict[str, SheetRead]:
    """Every sheet of an XLSX file: the marked worksheet table, and the cells above it."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for worksheet in book.worksheets:
        assert not worksheet.merged_cells.ranges, "no merged cells"
        if not worksheet.tables:
            above = [str(row[0].value) for row in worksheet.iter_rows() if row[0].value]
            sheets[worksheet.title] = SheetRead(above, [], [], [], None)
            continue
        [(name, reference)] = worksheet.tables.items()
        table = [list(row) for row in worksheet[reference]]
        first_row = table[0][0].row
        above = [str(row[0].value) for row in worksheet.iter_rows(max_row=first_row - 1)]
        sheets[worksheet.title] = SheetRead(
            above, [str(cell.value) for cell in table[0]],
            [[cell.value for cell in row] for row in table[1:]],
            [[cell.data_type == "n" for cell in row] for row in table[1:]], name)
    return sheets


READERS = {"ods": read_ods, "xlsx": read_xlsx}


@pytest.fixture(scope="module", params=sorted(READERS))
def workbook(request: pytest.FixtureRequest,
             spreadsheets: Spreadsheets) -> dict[str, SheetRead]:
    return READERS[request.param](getattr(spreadsheets, request.param))


def expected(value: Shown) -> Cell:
    """A shown value as a workbook holds it: a blank label is [z], symbols are their text."""
    if value is None:
        return str(Symbol.NOT_APPLICABLE)
    return str(value) if isinstance(value, Symbol) else value


def test_every_table_reads_back_as_the_published_edition_shows_it(
        release: Release, workbook: dict[str, SheetRead]) -> None:
    for name, shown in release.edition.tables.items():
        sheet = workbook[sheet_name(name)]
        assert sheet.table_name == name
        assert sheet.header == [column.label for column in shown.table.columns]
        assert sheet.rows == [[expected(value) for value in row] for row in shown.rows]
        for row, kinds in zip(shown.rows, sheet.numeric, strict=True):
            assert kinds == [isinstance(value, int | float) for value in row], (
                f"{name}: a figure must be a number cell, a symbol or label text")


def test_the_cover_contents_and_notes_come_before_one_sheet_per_table(
        release: Release, workbook: dict[str, SheetRead]) -> None:
    tables = [sheet_name(name) for name in release.edition.tables]
    assert list(workbook) == FRONT + tables
    assert all(len(name) <= SHEET_NAME_LIMIT for name in workbook)
    assert workbook["Cover"].above[0] == release.title
    assert any(SOURCE in line for line in workbook["Cover"].above)
    contents = workbook["Contents"]
    assert [row[0] for row in contents.rows] == tables
    assert [row[1] for row in contents.rows] == [release.texts[n].title
                                                 for n in release.edition.tables]
    notes = [note for name in release.edition.tables for note in release.texts[name].notes]
    assert [row[1] for row in workbook["Notes"].rows] == notes
    assert [row[0] for row in workbook["Notes"].rows] == list(range(1, len(notes) + 1))


def test_each_table_has_its_title_description_notes_and_source_above_it(
        release: Release, workbook: dict[str, SheetRead]) -> None:
    cited = 0
    for name, text in release.texts.items():
        above = workbook[sheet_name(name)].above
        assert above[:2] == [text.title, text.description]
        assert f"Source: {SOURCE}" in above
        citations = "".join(f"[note {cited + i}]" for i in range(1, len(text.notes) + 1))
        cited += len(text.notes)
        assert (f"Notes for this table: {citations}" in above) == bool(text.notes)


def test_every_shorthand_in_a_table_is_explained_above_it_and_on_the_cover(
        release: Release, workbook: dict[str, SheetRead]) -> None:
    meanings = symbol_meanings(release.rule)
    used: set[str] = set()
    for name in release.edition.tables:
        sheet = workbook[sheet_name(name)]
        symbols = {value for row in sheet.rows for value in row if value in set(Symbol)}
        used |= {str(s) for s in symbols}
        for symbol in symbols:
            assert meanings[Symbol(symbol)] in sheet.above, f"{symbol} unexplained in {name}"
    assert {"[c]", "[z]", "[u]"} <= used, "the small warehouse shows these shorthands"
    cover = workbook["Cover"].above
    assert all(meanings[Symbol(symbol)] in cover for symbol in used)


def test_no_count_from_1_to_9_is_in_any_count_column(
        audit_result: AuditResult, release: Release, workbook: dict[str, SheetRead]) -> None:
    small_before = [value for table in audit_result.tables.values() for row in table.rows
                    for value in row if isinstance(value, int) and 0 < value < 10]
    assert small_before, "the small warehouse has counts of 1 to 9 to hide"
    for name, shown in release.edition.tables.items():
        sheet = workbook[sheet_name(name)]
        for position, column in enumerate(shown.table.columns):
            if column.kind == "count":
                values = [row[position] for row in sheet.rows]
                assert not [v for v in values if isinstance(v, int | float) and 0 < v < 10], (
                    f"{name}: {column.label}")


def test_xlsx_columns_are_wide_enough_to_read_and_carry_document_metadata(
        release: Release, spreadsheets: Spreadsheets) -> None:
    book = openpyxl.load_workbook(spreadsheets.xlsx)
    assert book.properties.title == release.title
    for name, shown in release.edition.tables.items():
        worksheet = book[sheet_name(name)]
        for position, column in enumerate(shown.table.columns):
            letter = openpyxl.utils.get_column_letter(position + 1)
            assert worksheet.column_dimensions[letter].width >= 8, f"{name}: {column.label}"
