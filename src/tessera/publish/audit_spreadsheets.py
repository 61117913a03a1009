"""The national audit as a release: its published edition in ODS and XLSX workbooks, and the
notes of its CSVs in a metadata file beside them.

Why the edition is made again here: `disclose_audit` hands back audit tables with symbols in
place but not the typed edition the workbooks need (which columns are counts, shares, rates),
so it is rebuilt from the same typed tables and the same protection decision, which makes it
the very edition the CSVs and the HTML report show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tessera.analysis.audit import AuditResult
from tessera.publish.audit_disclosure import audit_tables
from tessera.publish.audit_report import TITLE
from tessera.publish.csv_metadata import write_csv_metadata
from tessera.publish.disclosure import DisclosureRule, Protection
from tessera.publish.editions import published_edition
from tessera.publish.sheet_layout import Release, TableText
from tessera.publish.spreadsheets import write_spreadsheets

SUMMARY = ("Recorded child sexual abuse offences in England and Wales: their categories, police "
           "forces, victims, perpetrators and outcomes, after disclosure control.")
STEM = "audit"


@dataclass(frozen=True)
class AuditFiles:
    """Where the audit's workbooks and CSV metadata were written."""

    ods: Path
    xlsx: Path
    csv_metadata: Path


def audit_release(result: AuditResult, published: AuditResult, protection: Protection,
                  provenance: str, published_on: date,
                  rule: DisclosureRule | None = None) -> Release:
    """The release of the audit `result` under `protection`, with the titles, descriptions and
    notes of `published` (its notes already cleared of counts that suppression hides)."""
    rule = rule or DisclosureRule()
    tables, _ = audit_tables(result)
    texts = {name: TableText(table.title, table.description, table.notes)
             for name, table in published.tables.items()}
    return Release(TITLE, SUMMARY, provenance, published_edition(tables, protection, rule),
                   texts, published_on, rule)


def write_audit_files(release: Release, csvs: dict[str, Path], folder: Path) -> AuditFiles:
    """Write `audit.ods`, `audit.xlsx` and `csv-metadata.json` to `folder`, beside the CSVs."""
    sheets = write_spreadsheets(release, folder, STEM)
    return AuditFiles(sheets.ods, sheets.xlsx, write_csv_metadata(release, csvs, folder))
