"""The ODS workbook of a release, the OpenDocument format UK government adopted for sharing
documents, written with odfpy (pandas' own ODS engine).

Why odfpy rather than pandas' writer or a CSV-like writer: an accessible workbook needs what
only the format itself offers: a header row marked as such, each table named (a database range,
the ODS counterpart of an Excel table), number cells with a number format, column widths and
document metadata. The sheets say what the XLSX workbook says, in the same order, because
both are written from the same `sheet_layout.Workbook`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from odf import dc
from odf import meta as odf_meta
from odf.element import Element
from odf.number import Number, NumberStyle
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TextProperties,
)
from odf.table import (
    DatabaseRange,
    DatabaseRanges,
    Table,
    TableCell,
    TableColumn,
    TableHeaderRows,
    TableRow,
)
from odf.text import A, P

from tessera.analysis.results import Column
from tessera.publish.cells import KIND_DECIMALS, decimals
from tessera.publish.sheet_layout import (
    COVER_HEADINGS,
    INSTRUCTIONS,
    KEYWORDS,
    Figure,
    TableSheet,
    Workbook,
    column_width,
    notes_line,
)

CM_PER_CHARACTER = 0.23
COVER_WIDTH = 85
"""Characters across the cover's one column (gptables' default)."""
ONE_TABLE = "This worksheet contains one table."


class _Styles:
    """The few styles every sheet uses, registered once in the document."""

    def __init__(self, document: OpenDocumentSpreadsheet) -> None:
        self._document = document
        self._columns: dict[int, Style] = {}
        self.title = self._text("title", TextProperties(fontweight="bold", fontsize="16pt"))
        self.heading = self._text("heading", TextProperties(fontweight="bold", fontsize="14pt"))
        self.header = self._text("header", TextProperties(fontweight="bold"),
                                 TableCellProperties(wrapoption="wrap", verticalalign="top"))
        self.wrapped = self._text("wrapped", TableCellProperties(wrapoption="wrap"))
        self.figures = {places: self._figure(places) for places in set(KIND_DECIMALS.values())}

    def column(self, characters: int) -> Style:
        """A column style `characters` wide."""
        if characters not in self._columns:
            style = Style(name=f"width{characters}", family="table-column")
            style.addElement(TableColumnProperties(
                columnwidth=f"{characters * CM_PER_CHARACTER:.2f}cm"))
            self._document.automaticstyles.addElement(style)
            self._columns[characters] = style
        return self._columns[characters]

    def _text(self, name: str, *properties: Element) -> Style:
        style = Style(name=name, family="table-cell")
        for element in properties:
            style.addElement(element)
        self._document.automaticstyles.addElement(style)
        return style

    def _figure(self, places: int) -> Style:
        """A right-aligned number cell with thousands separators and `places` decimals."""
        number = NumberStyle(name=f"number{places}")
        number.addElement(Number(decimalplaces=places, minintegerdigits=1, grouping="true"))
        self._document.automaticstyles.addElement(number)
        style = Style(name=f"figure{places}", family="table-cell", datastylename=number)
        style.addElement(ParagraphProperties(textalign="end"))
        self._document.automaticstyles.addElement(style)
        return style


@dataclass(frozen=True)
class _Sheet:
    """One sheet holding one named table, with the lines written between title and table."""

    sheet: str
    name: str
    title: str
    lines: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[tuple[Figure, ...], ...]
    links: bool = False
    """Whether the first column names sheets to link to (the contents)."""


def write_ods(workbook: Workbook, path: Path) -> Path:
    """Write `workbook` to `path` as an accessible ODS workbook."""
    document = OpenDocumentSpreadsheet()
    document.meta.addElement(dc.Title(text=workbook.title))
    document.meta.addElement(dc.Subject(text=workbook.summary))
    document.meta.addElement(odf_meta.Keyword(text=KEYWORDS))
    styles = _Styles(document)
    document.spreadsheet.addElement(_cover(workbook, styles))
    ranges = DatabaseRanges()
    for sheet in _sheets(workbook):
        table, header_row = _table_sheet(sheet, styles)
        document.spreadsheet.addElement(table)
        ranges.addElement(DatabaseRange(
            name=sheet.name, containsheader="true",
            targetrangeaddress=_range(sheet.sheet, header_row, len(sheet.columns),
                                      len(sheet.rows))))
    document.spreadsheet.addElement(ranges)
    document.save(str(path))
    return path


def _sheets(workbook: Workbook) -> list[_Sheet]:
    """Contents, notes (if any), then the tables, named and titled as gptables does."""
    sheets = [_Sheet("Contents", "contents_table", "Table of contents", (ONE_TABLE,),
                     (Column("sheet", "Sheet name", "dimension"),
                      Column("description", "Table description", "dimension")),
                     tuple((sheet.sheet, sheet.title) for sheet in workbook.tables),
                     links=True)]
    if workbook.notes:
        sheets.append(_Sheet("Notes", "notes_table", "Notes", (ONE_TABLE,),
                             (Column("number", "Note number", "count"),
                              Column("text", "Note text", "dimension")),
                             tuple((note.number, note.text) for note in workbook.notes)))
    return sheets + [_Sheet(sheet.sheet, sheet.name, sheet.title, _above(sheet), sheet.columns,
                            sheet.rows) for sheet in workbook.tables]


def _cover(workbook: Workbook, styles: _Styles) -> Table:
    """The cover: the title, then each section's heading and lines, all in column A."""
    table = Table(name="Cover")
    table.addElement(TableColumn(stylename=styles.column(COVER_WIDTH)))
    table.addElement(_text_row(workbook.title, styles.title))
    for heading, lines in zip(COVER_HEADINGS, (workbook.intro, workbook.about), strict=True):
        table.addElement(_text_row(heading, styles.heading))
        for line in lines:
            table.addElement(_text_row(line, styles.wrapped))
    return table


def _above(sheet: TableSheet) -> tuple[str, ...]:
    """The lines between a table's title and its header, in gptables' order."""
    return (sheet.description, *([notes_line(sheet.notes)] if sheet.notes else []),
            INSTRUCTIONS, *sheet.legend, sheet.source)


def _table_sheet(sheet: _Sheet, styles: _Styles) -> tuple[Table, int]:
    """One sheet: title and lines in column A, a marked header row, one row per table row.

    Returns the sheet and the 0-based row of its header.
    """
    table = Table(name=sheet.sheet)
    for position, column in enumerate(sheet.columns):
        table.addElement(TableColumn(stylename=styles.column(
            column_width(column, sheet.rows, position))))
    table.addElement(_text_row(sheet.title, styles.title))
    for line in sheet.lines:
        table.addElement(_text_row(line, None))
    header = TableHeaderRows()
    header_row = TableRow()
    for column in sheet.columns:
        header_row.addElement(_string_cell(column.label, styles.header))
    header.addElement(header_row)
    table.addElement(header)
    for row in sheet.rows:
        cells = TableRow()
        for position, (value, column) in enumerate(zip(row, sheet.columns, strict=True)):
            if sheet.links and position == 0:
                cells.addElement(_link_cell(str(value)))
            else:
                cells.addElement(_cell(value, column, styles))
        table.addElement(cells)
    return table, 1 + len(sheet.lines)


def _cell(value: Figure, column: Column, styles: _Styles) -> TableCell:
    """A figure as a number cell in its column's format; a label or shorthand as text."""
    places = decimals(column)
    if isinstance(value, int | float) and places is not None:
        cell = TableCell(valuetype="float", value=value, stylename=styles.figures[places])
        cell.addElement(P(text=f"{value:,.{places}f}"))
        return cell
    return _string_cell(str(value), None)


def _string_cell(text: str, style: Style | None) -> TableCell:
    cell = TableCell(valuetype="string", stylename=style) if style else TableCell(
        valuetype="string")
    cell.addElement(P(text=text))
    return cell


def _link_cell(sheet: str) -> TableCell:
    """A contents entry that opens its sheet."""
    cell = TableCell(valuetype="string")
    paragraph = P()
    paragraph.addElement(A(type="simple", href=f"#{sheet}", text=sheet))
    cell.addElement(paragraph)
    return cell


def _text_row(text: str, style: Style | None) -> TableRow:
    row = TableRow()
    row.addElement(_string_cell(text, style))
    return row


def _range(sheet: str, header_row: int, columns: int, rows: int) -> str:
    """The address of a table: its header row to its last row, first to last column."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    first = f"{quoted}.A{header_row + 1}"
    return f"{first}:{quoted}.{_column_letters(columns - 1)}{header_row + 1 + rows}"


def _column_letters(index: int) -> str:
    """Spreadsheet column letters of a 0-based column (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
