"""The audit, `--explain` and the quality scores in the terminal (Rich)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tessera.analysis.audit import AuditResult, explain_offence
from tessera.analysis.quality import score_warehouse
from tessera.publish.audit_disclosure import disclose_audit
from tessera.publish.terminal import render_audit_tables, render_explanation, render_quality
from tessera.warehouse.engine import Engine
from tessera.warehouse.pseudonym import PseudonymKey
from tests.analysis.quality_fixture import OFFENCES, deliver


def printed(*renderables: object, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


def assert_fits_80_columns(text: str) -> None:
    """Every table ends in its right border: a table wider than the terminal is cropped,
    losing that border and the words at the end of each line of its notes."""
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in text.splitlines()
               if line.startswith(("┏", "┃", "┡", "│", "└"))), text


def test_every_table_is_rendered_with_its_notes(audit_result: AuditResult) -> None:
    tables = render_audit_tables(audit_result)
    titles = [str(t.title) for t in tables]
    for name, table in audit_result.tables.items():
        if "offence_group" in table.dimension_keys():  # one terminal table per offence group
            assert f"{table.title}: All CSA offences" in titles
            assert f"{table.title}: Group-based CSE" in titles
        else:
            assert table.title in titles, name
    text = printed(*tables)
    assert "Group-based CSE" in text and "West Yorkshire Police" in text
    assert "1,727,665" not in text  # population is left to the CSV and report
    assert "CSA offences with a setting recorded: 8.3% (1 of 12)." in text
    assert "Pakistani" not in text  # 19 categories are left to the CSV and report
    assert "The 19 ethnic group categories are in the CSV and the HTML report." in text
    assert "Ethnicity known for perpetrators (Group-based CSE): 66.7% (2 of 3)." in text
    assert "Offence group" not in text
    assert_fits_80_columns(printed(*tables, width=80))


def test_explanation_shows_facts_rules_and_category(audit_engine: Engine) -> None:
    text = printed(*render_explanation(explain_offence(audit_engine, "DUP-1")))
    assert "DUP-1 — Kent Police (kent)" in text
    assert "DUP-1 — West Yorkshire Police (west-yorkshire)" in text
    assert "Category: Not a CSA offence (not counted); not counted in the audit" in text
    assert "Category: Single perpetrator or none identified" in text
    assert "Victim ages at the offence" in text and "group_based_cse" in text


def test_quality_shows_the_lowest_agencies_and_the_falls(
        tmp_path: Path, key: PseudonymKey) -> None:
    """With `lowest=1`, only the lower of two agencies; the fall in setting is listed."""
    warehouse = tmp_path / "w.duckdb"
    deliver(tmp_path, warehouse, key, batch="a", offences=OFFENCES, without_setting=0)
    deliver(tmp_path, warehouse, key, batch="b", offences=OFFENCES, without_setting=30)
    deliver(tmp_path, warehouse, key, batch="c", offences=OFFENCES, without_setting=0,
            agency="cleveland")
    result = score_warehouse(warehouse)
    text = printed(*render_quality(result, lowest=1))
    assert "the 1 lowest" in text and "West Yorkshire Police" in text
    assert "Cleveland Police" not in text
    assert "Falls against earlier deliveries" in text and "offence.setting" in text
    assert "Cleveland Police" in printed(*render_quality(result, lowest=None))
    assert_fits_80_columns(printed(*render_quality(result, lowest=None), width=80))


def test_symbols_are_printed_not_read_as_markup(audit_result: AuditResult) -> None:
    """A suppressed count prints as [c]: Rich would take it for a style tag and print nothing."""
    published, protection = disclose_audit(audit_result)
    assert protection.primary
    assert "[c]" in printed(*render_audit_tables(published))
