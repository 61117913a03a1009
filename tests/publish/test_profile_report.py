"""A problem profile through the publish step: the published edition passes disclosure
control (and a reader's own LP finds no small count), every section is in the HTML report,
the PDF is printed, and the restricted edition shows every figure.

Forces of the hand-made audit warehouse: west-yorkshire (9 CSA offences, most counts small),
kent (3) and City of London and British Transport Police (none), so suppression bites.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tessera.analysis.profile import NATIONAL, SECTIONS, Profile, run_profiles
from tessera.publish.disclosure import DisclosureRule
from tessera.publish.editions import Symbol
from tessera.publish.profile_disclosure import (
    profile_tables,
    release_profile,
    restricted_profile,
)
from tessera.publish.profile_report import render_profile, write_profile
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture
from tests.publish.disclosure_tables import reader_ranges

FORCES = ["west-yorkshire", "kent", "city-of-london", "btp", NATIONAL]


@pytest.fixture(scope="module")
def profiles() -> Iterator[dict[str, Profile]]:
    """The profiles of the small forces and the nation on the hand-made warehouse."""
    with Engine.open(None) as engine:
        populate_audit_fixture(engine)
        yield {p.force_code: p for p in run_profiles(engine, FORCES)}


@pytest.mark.parametrize("force", FORCES)
def test_the_published_edition_passes_the_disclosure_audit(
        profiles: dict[str, Profile], force: str, tmp_path: Path) -> None:
    """No count of 1 to 9 is shown, and a reader solving the declared relations over what is
    shown cannot narrow any hidden small count to within the rule's margin."""
    profile = profiles[force]
    published, protection = release_profile(profile, register=tmp_path / "register.json")
    rule = DisclosureRule()
    tables, relations = profile_tables(profile)
    for table in tables:
        shown = published.tables[table.name]
        for row, shown_row in zip(table.rows, shown.rows, strict=True):
            for column, value, out in zip(table.columns, row, shown_row, strict=True):
                if column.kind == "count" and isinstance(value, int) and rule.is_primary(value):
                    assert out == Symbol.CONFIDENTIAL, (table.name, row, column.key)
    ranges = reader_ranges(tables, relations, protection)
    values = {ref: value for table in tables for ref, _, value in table.count_cells()}
    for ref in protection.primary:
        low, high = ranges[ref]
        margin = rule.margin(values[ref])
        assert low <= max(0, values[ref] - margin) + 1e-6 and high >= values[ref] + margin - 1e-6


def test_small_forces_are_suppressed_where_needed(profiles: dict[str, Profile],
                                                  tmp_path: Path) -> None:
    """West Yorkshire's 9 CSA offences are a small count: hidden in the published edition,
    shown in the restricted one."""
    west = profiles["west-yorkshire"]
    published, protection = release_profile(west, register=tmp_path / "r.json")
    assert protection.primary
    definitions = {r["measure_code"]: r["offences"]
                   for r in published.tables["definitions"].records()}
    assert definitions["csa_offences"] == Symbol.CONFIDENTIAL
    restricted = {r["measure_code"]: r["offences"]
                  for r in restricted_profile(west).tables["definitions"].records()}
    assert restricted["csa_offences"] == 9


def test_a_second_release_of_the_period_is_protected_against_the_first(
        profiles: dict[str, Profile], tmp_path: Path) -> None:
    """The force's register records each release; a second run reads it and still passes."""
    register = tmp_path / "register.json"
    release_profile(profiles["kent"], register=register)
    assert register.exists()
    _, again = release_profile(profiles["kent"], register=register)
    assert again.primary


@pytest.mark.parametrize("force", ["city-of-london", "btp", "west-yorkshire"])
def test_every_section_is_in_the_html_report(profiles: dict[str, Profile], force: str,
                                             tmp_path: Path) -> None:
    published, _ = release_profile(profiles[force], register=tmp_path / "r.json")
    html = render_profile(published, edition="published", provenance="Fixture.",
                          produced=date(2024, 4, 1))
    for section in SECTIONS:
        assert f'id="section-{section.key}"' in html
        for name in section.tables:
            assert f'id="{name}-table"' in html
    assert "[c]" in html or force != "west-yorkshire"
    assert "Published edition" in html


@pytest.mark.slow  # WeasyPrint lays out some 30 pages
def test_the_pdf_is_printed_with_pages(profiles: dict[str, Profile], tmp_path: Path) -> None:
    """City of London (tiny numbers) prints: a PDF file with pages, beside the HTML and CSVs."""
    published, _ = release_profile(profiles["city-of-london"], register=tmp_path / "r.json")
    outputs = write_profile(published, tmp_path / "city", edition="published",
                            provenance="Fixture.")
    assert outputs.pdf is not None
    data = outputs.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert _page_count(data) >= 5
    assert outputs.report.exists() and set(outputs.csvs) == set(published.tables)


def _page_count(data: bytes) -> int:
    """The /Count of the PDF's page tree, read from the file and its compressed object
    streams (WeasyPrint compresses them)."""
    texts = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            texts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    pattern = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|"
                         rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")
    counts = [int(m.group(1) or m.group(2)) for text in texts for m in pattern.finditer(text)]
    return max(counts, default=0)
