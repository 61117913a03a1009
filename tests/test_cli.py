"""The command line as a user meets it: exit statuses, messages, no tracebacks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import offence, write_extract


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path)}


def test_ingest_with_bad_rows_names_file_row_field_and_rule_and_exits_1(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    """Good rows load; the bad one is shown with where it is and which rule it breaks."""
    write_extract(small_extract / "offence_late.csv", "offence", [
        offence("13/7/23"), offence("13/8/23", ho_offence_code="99Z")])
    result = run_cli("ingest", str(small_extract), "--warehouse", str(tmp_path / "w.duckdb"),
                     env={**_env(tmp_path), "COLUMNS": "200"})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    cells = [c.strip() for c in result.stdout.split("│")]
    at = cells.index("ho_offence_code")
    assert cells[at - 1] == "2" and cells[at + 1] == "code_list" and "99Z" in cells[at + 2]
    assert "rows in 11 = loaded 10 + rejected 1" in result.stdout
    rejections = (tmp_path / "rejections" / "batch-1.csv").read_text(encoding="utf-8")
    assert f"{small_extract / 'offence_late.csv'},2,3,ho_offence_code,code_list" in rejections


def test_ingest_of_a_clean_delivery_exits_0(tmp_path: Path, small_extract: Path,
                                            run_cli: Callable[..., Any]) -> None:
    """Nothing rejected: exit status 0 and the accounting line."""
    result = run_cli("ingest", str(small_extract), "--warehouse", str(tmp_path / "w.duckdb"),
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "rows in 9 = loaded 9 + rejected 0" in result.stdout


def test_audit_before_any_ingest_says_what_to_do(tmp_path: Path,
                                                 run_cli: Callable[..., Any]) -> None:
    """No warehouse yet: one line saying to ingest first, exit status 1, no traceback."""
    result = run_cli("audit", "--warehouse", str(tmp_path / "none.duckdb"), env=_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'none.duckdb'}: no warehouse here yet; run 'tessera ingest' first"]


def test_synth_writes_extracts_and_ground_truth_apart(tmp_path: Path,
                                                      run_cli: Callable[..., Any]) -> None:
    """`tessera synth` keeps the answers out of the folder an analyst would ingest."""
    result = run_cli("synth", "--out", str(tmp_path / "s"), "--scale", "0.005", "--seed", "1",
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "extracts" / "police").is_dir()
    assert (tmp_path / "s" / "ground_truth" / "offences.csv").exists()
    assert not list((tmp_path / "s" / "extracts").rglob("offences.csv"))


def test_describe_markdown_writes_the_dictionary(tmp_path: Path,
                                                 run_cli: Callable[..., Any]) -> None:
    """The markdown dictionary lists every entity."""
    out = tmp_path / "dictionary.md"
    result = run_cli("dataset", "describe", "--format", "markdown", "--out", str(out))
    assert result.returncode == 0
    text = out.read_text(encoding="utf-8")
    for name in ("person_record", "offence", "offence_party", "referral", "association"):
        assert f"## {name}" in text


def test_link_writes_one_cluster_per_record(tmp_path: Path,
                                            run_cli: Callable[..., Any]) -> None:
    """`tessera link` on a small file: every record gets a cluster, the same NHS number and
    date of birth share one, and a missing file is one error line with exit status 2."""
    people = tmp_path / "people.csv"
    people.write_text("record_id,given_name,family_name,date_of_birth,nhs_number\n"
                      "a,Amy,Smith,2010-03-04,9434765919\nb,Aimee,Smith,2010-03-04,9434765919\n"
                      "c,Bob,Jones,1980-01-01,\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = run_cli("link", "--records", str(people), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    rows = dict(line.replace('"', "").split(",") for line in out.read_text().splitlines()[1:])
    assert rows["a"] == rows["b"] != rows["c"]
    missing = run_cli("link", "--records", str(tmp_path / "none.csv"), "--out", str(out))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
