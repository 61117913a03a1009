"""Writing a release's workbooks: the same laid-out release as ODS and as XLSX, side by side.

Why both: the Analysis Function asks for ODS, the open format government adopted, and many
readers' tools still expect XLSX; gptables writes the XLSX one but not ODS, so odfpy writes
that from the same layout (`sheet_layout.py`) and the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tessera.publish.ods import write_ods
from tessera.publish.sheet_layout import Release, lay_out
from tessera.publish.xlsx import write_xlsx


@dataclass(frozen=True)
class Spreadsheets:
    """Where a release's two workbooks were written."""

    ods: Path
    xlsx: Path


def write_spreadsheets(release: Release, folder: Path, stem: str) -> Spreadsheets:
    """Write `folder/<stem>.ods` and `folder/<stem>.xlsx` for `release`."""
    folder.mkdir(parents=True, exist_ok=True)
    workbook = lay_out(release)
    return Spreadsheets(ods=write_ods(workbook, folder / f"{stem}.ods"),
                        xlsx=write_xlsx(workbook, folder / f"{stem}.xlsx"))
