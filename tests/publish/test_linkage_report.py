"""The linkage quality report: figures, weights, masked pairs, one self-contained file."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tessera.linkage.quality import Quality, Scores
from tessera.linkage.service import LinkRun
from tessera.publish.linkage_report import match_weights, write_linkage
from tessera.warehouse.provenance import Provenance

SYNTHETIC = Provenance(synthetic_files=1, supplied_files=0).sentence
SUPPLIED = Provenance(synthetic_files=0, supplied_files=1).sentence
MODEL = {
    "probability_two_random_records_match": 0.0001,
    "comparisons": [
        {"output_column_name": "given_name", "comparison_levels": [
            {"label_for_charts": "null", "is_null_level": True},
            {"label_for_charts": "Exact match", "m_probability": 0.8, "u_probability": 0.01},
            {"label_for_charts": "All other", "m_probability": 0.05, "u_probability": 0.9},
        ]},
        {"output_column_name": "sex", "comparison_levels": [
            {"label_for_charts": "Exact match", "m_probability": 0.99, "u_probability": 0.5},
            {"label_for_charts": "Never seen", "m_probability": 1e-30, "u_probability": 0.5},
        ]},
    ],
}

BORDERLINE = {
    "match_probability": 0.91, "match_weight": 3.3, "linked": True, "kept_apart": False,
    "given_l": "A.", "family_l": "S.", "born_l": 2010, "district_l": "LS6", "agency_l": "wy",
    "given_r": "A.", "family_r": "S.", "born_r": None, "district_r": None, "agency_r": "E08",
    "nhs_number": "missing", "upn": "same", "truly_same": True,
}


def _run(quality: Quality | None) -> LinkRun:
    return LinkRun(run_id=4, threshold=0.9, records=1200, people=700, children=450,
                   persons=200, kept=650, new=50, merged=3, split=1, model=MODEL,
                   history=[{"event": "merge", "linked_id": "AB12", "other_id": "CD34",
                             "records": 2}],
                   borderline=[BORDERLINE], quality=quality)


def test_weights_are_log2_m_over_u_without_null_levels() -> None:
    """The weight a reader sees is Splink's definition, level by level."""
    weights = dict(match_weights(MODEL))
    assert set(weights) == {"given name: Exact match", "given name: All other",
                            "sex: Exact match", "sex: Never seen"}
    assert math.isclose(weights["given name: Exact match"], math.log2(80))
    assert weights["sex: Never seen"] < -90


def test_report_shows_figures_scores_history_and_masked_pairs(tmp_path: Path) -> None:
    """Everything a reviewer needs is on the page, and the model is saved beside it."""
    quality = Quality(pairs=Scores(90, 100, 95), clusters=Scores(680, 700, 690),
                      child_pairs=Scores(40, 40, 41), records_scored=1200)
    outputs = write_linkage(_run(quality), tmp_path, provenance=SYNTHETIC)
    html = outputs.report.read_text(encoding="utf-8")
    assert json.loads(outputs.model.read_text(encoding="utf-8")) == MODEL
    for text in ("1,200", "700", "450", "AB12", "CD34", "0.9000", "0.9474", "<svg",
                 "A. S., 2010, LS6 (wy)", "A. S., no birth date, no postcode (E08)",
                 "Truly one person", "+6.32"):
        assert text in html, text
    assert "<script" not in html and "<link" not in html, "nothing fetched: opens offline"


def test_without_a_truth_there_is_no_quality_section(tmp_path: Path) -> None:
    """Real data has no ground truth: the report says what it can and no more."""
    html = write_linkage(_run(None), tmp_path, provenance=SUPPLIED).report.read_text(
        encoding="utf-8")
    assert "Quality against the ground truth" not in html
    assert "Truly one person" not in html
    assert SUPPLIED in html and "Synthetic" not in html
