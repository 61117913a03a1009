"""ACRO as an oracle: fed the same microdata, the trusted-research output checker flags no cell
that Tessera published, and every small count Tessera hid for itself is one ACRO flags.

ACRO caps pandas, so scripts/acro-check.sh runs it in its own virtual environment (.venv-acro,
pinned); the first run installs it from PyPI. ACRO also counts a zero as below its threshold,
where Tessera shows zeros (a zero identifies nobody), so zero cells are left out of the
comparison.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tessera.publish.disclosure import protect
from tests.publish.disclosure_tables import TOTAL, grid

ROOT = Path(__file__).resolve().parents[2]
FORCES = 6
CATEGORIES = 4


def _microdata(path: Path) -> list[list[int]]:
    """One row per offence (force, category), skewed so that some cells are small."""
    generator = np.random.default_rng(2023)
    weights = generator.dirichlet(np.full(FORCES * CATEGORIES, 0.6))
    picks = generator.choice(FORCES * CATEGORIES, size=600, p=weights)
    counts = np.zeros((FORCES, CATEGORIES), dtype=int)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column"])
        for pick in picks:
            force, category = divmod(int(pick), CATEGORIES)
            counts[force, category] += 1
            writer.writerow([f"r{force}", f"c{category}"])
    return counts.tolist()


def _acro_flags(path: Path) -> set[tuple[str, str]]:
    run = subprocess.run(["bash", str(ROOT / "scripts" / "acro-check.sh"), str(path), "row",
                          "column"], capture_output=True, text=True, timeout=900, check=False)
    # ACRO failing to install is a failure too: a skip would hide the oracle going missing.
    assert run.returncode == 0, run.stderr[-2000:]
    return {(line.split("\t")[0], line.split("\t")[1]) for line in run.stdout.splitlines()}


@pytest.mark.slow
def test_acro_flags_nothing_tessera_published(tmp_path: Path) -> None:
    path = tmp_path / "offences.csv"
    counts = _microdata(path)
    table, relations = grid("offences", counts)
    protection = protect([table], relations)
    flagged = _acro_flags(path)
    as_acro = {"total": TOTAL}
    values = {(ref.row[0], as_acro.get(ref.column, ref.column)): value
              for ref, _, value in table.count_cells()}
    published = {cell for cell, value in values.items() if value} - {
        (ref.row[0], as_acro.get(ref.column, ref.column)) for ref in protection.suppressed}
    primary = {(ref.row[0], as_acro.get(ref.column, ref.column)) for ref in protection.primary}
    assert primary, "the microdata has small cells to flag"
    assert not flagged & published
    assert {cell for cell in flagged if values[cell]} == primary
