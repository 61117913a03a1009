"""The audit's release files beside its CSVs: both workbooks, and a CSVW metadata file that
carries every CSV's title, description, notes and column types."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from tessera.analysis.audit import AuditResult
from tessera.publish.audit_disclosure import disclose_audit
from tessera.publish.audit_report import write_audit
from tessera.publish.audit_spreadsheets import AuditFiles, audit_release, write_audit_files
from tessera.publish.sections import ReportOutputs

SOURCE = "Synthetic data made by tessera synth (test warehouse)"


@pytest.fixture(scope="module")
def written(audit_result: AuditResult, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[AuditResult, ReportOutputs, AuditFiles]:
    published, protection = disclose_audit(audit_result)
    release = audit_release(audit_result, published, protection, SOURCE, date(2026, 11, 30))
    outputs = write_audit(published, tmp_path_factory.mktemp("out"), provenance=SOURCE)
    return published, outputs, write_audit_files(release, outputs.csvs, outputs.folder)


def test_the_workbooks_and_the_metadata_sit_beside_the_csvs(
        written: tuple[AuditResult, ReportOutputs, AuditFiles]) -> None:
    _, outputs, files = written
    assert {files.ods.name, files.xlsx.name, files.csv_metadata.name} == {
        "audit.ods", "audit.xlsx", "csv-metadata.json"}
    assert {path.parent for path in (files.ods, files.xlsx, files.csv_metadata)} == {
        outputs.folder}


def test_the_metadata_carries_each_csvs_title_description_notes_and_columns(
        written: tuple[AuditResult, ReportOutputs, AuditFiles]) -> None:
    published, outputs, files = written
    metadata = json.loads(files.csv_metadata.read_text(encoding="utf-8"))
    assert metadata["dc:source"] == SOURCE
    described = {entry["url"]: entry for entry in metadata["tables"]}
    assert set(described) == {path.name for path in outputs.csvs.values()}
    for name, table in published.tables.items():
        entry = described[outputs.csvs[name].name]
        assert (entry["dc:title"], entry["dc:description"]) == (table.title, table.description)
        assert entry["rdfs:comment"] == list(table.notes)
        header, *rows = _read(outputs.csvs[name])
        columns = entry["tableSchema"]["columns"]
        assert [column["titles"] for column in columns] == header
        for row in rows:
            for value, column in zip(row, columns, strict=True):
                assert _conforms(value, column), f"{name}: {column['titles']} = {value!r}"


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _conforms(value: str, column: dict[str, object]) -> bool:
    """Whether a CSV value is one of the column's null values or of its datatype."""
    nulls = column["null"]
    assert isinstance(nulls, list)
    if value in nulls:
        return True
    if column["datatype"] == "integer":
        return value.lstrip("-").isdigit()
    if column["datatype"] == "decimal":
        return value.replace(".", "", 1).lstrip("-").isdigit()
    return True
