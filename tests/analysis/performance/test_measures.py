"""The measures file: every candidate of the framework once, and clear errors for bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.analysis.performance import load_measures
from tessera.analysis.performance.measures import COLUMNS
from tessera.errors import ConfigurationError


def test_every_candidate_measure_is_defined_once() -> None:
    """P1 to P15 of performance_framework.md, with P5, P6 and P8 split as the brief asks."""
    ids = [m.id for m in load_measures()]
    assert ids == ["P1", "P2", "P3", "P4", "P5a", "P5b", "P5c", "P6a", "P6b", "P7", "P8a",
                   "P8b", "P9", "P10", "P11", "P12", "P13a", "P13b", "P14", "P15"]
    for measure in load_measures():
        assert measure.source and measure.definition_source and measure.unit


def _write(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "measures.csv"
    path.write_text(",".join(COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    return path


def test_an_unknown_kind_names_the_row_and_field(tmp_path: Path) -> None:
    """A kind that is not one of the five is refused with file, row and field."""
    path = _write(tmp_path, "X1,Thing,ratio,a,b,%,quarter,computed,s,d")
    with pytest.raises(ConfigurationError, match=r"measures.csv row 2, field kind: 'ratio'"):
        load_measures(path)


def test_a_share_without_a_denominator_is_refused(tmp_path: Path) -> None:
    """A computed share must say what it is a share of."""
    path = _write(tmp_path, "X1,Thing,share,a,,%,quarter,computed,s,d")
    with pytest.raises(ConfigurationError, match="field denominator: a share needs"):
        load_measures(path)
