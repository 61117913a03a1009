"""The XLSX workbook of a release, written by gptables (the Analysis Function's own package).

Why gptables: it writes the cover, the contents with links, the notes sheet with its notes
numbered in the order the tables cite them, and each table marked up as a named worksheet
table with one header row; this module only hands it the laid-out text and cells. Table
columns take the layout's widths, as in the ODS workbook: gptables' own sizes a column by its
longest value, which leaves a column of two-digit figures too narrow to read its header.
"""

from __future__ import annotations

from pathlib import Path

import gptables
import pandas as pd

from tessera.publish.sheet_layout import (
    INSTRUCTIONS,
    KEYWORDS,
    TableSheet,
    Workbook,
    column_width,
    notes_line,
    number_format,
)


def write_xlsx(workbook: Workbook, path: Path) -> Path:
    """Write `workbook` to `path` as an accessible XLSX workbook."""
    notes = (pd.DataFrame({"Note reference": [note.key for note in workbook.notes],
                           "Note text": [note.text for note in workbook.notes]})
             if workbook.notes else None)
    book = gptables.produce_workbook(
        filename=str(path),
        sheets={sheet.sheet: _gptable(sheet) for sheet in workbook.tables},
        cover=gptables.Cover(workbook.title, intro=list(workbook.intro),
                             about=list(workbook.about)),
        notes_table=notes,
        auto_width={sheet.sheet: False for sheet in workbook.tables},
    )
    for sheet in workbook.tables:
        worksheet = book.get_worksheet_by_name(sheet.sheet)
        for position, column in enumerate(sheet.columns):
            worksheet.set_column(position, position, column_width(column, sheet.rows, position))
    book.set_properties({"title": workbook.title, "subject": workbook.summary,
                         "keywords": KEYWORDS})
    book.close()
    return path


def _gptable(sheet: TableSheet) -> gptables.GPTable:
    """One table sheet: title, description and note citations, instructions, shorthand,
    source, then the table with each figure column in its number format."""
    labels = [column.label for column in sheet.columns]
    subtitles = [sheet.description]
    if sheet.notes:
        subtitles.append(notes_line(sheet.notes, cite="$${key}$$"))
    formats = [{"column": {"columns": [column.label], "include_names": False,
                           "format": {"num_format": number_format(column)}}}
               for column in sheet.columns if number_format(column) is not None]
    return gptables.GPTable(
        table=pd.DataFrame([list(row) for row in sheet.rows], columns=labels, dtype=object),
        table_name=sheet.name, title=sheet.title, subtitles=subtitles,
        instructions=INSTRUCTIONS, legend=list(sheet.legend), source=sheet.source,
        index_columns={}, additional_formatting=formats)
