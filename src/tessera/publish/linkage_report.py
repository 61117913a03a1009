"""Write a linkage run out: an HTML quality report, the trained model and the id history.

Why a report every run: a count of children is only as good as the linkage behind it, so the
people who use the count (statisticians, analysts, the measures' owners) must be able to see
how good it is, what the model learnt and what the threshold decides, without being cleared
to see identities. Borderline pairs are shown masked (initials, year of birth, postcode
district); identifiers are shown only as same, different or missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from tessera.linkage.pipeline import level_weight
from tessera.linkage.quality import Scores
from tessera.linkage.service import LinkRun
from tessera.publish.charts import diverging_bars_svg
from tessera.publish.sections import report_environment

TITLE = "Linkage quality: one identifier per child"


@dataclass(frozen=True)
class LinkageOutputs:
    """Where a linkage run was written."""

    folder: Path
    report: Path
    model: Path


def write_linkage(run: LinkRun, out_dir: Path, *, provenance: str) -> LinkageOutputs:
    """Write `out_dir/linkage/report.html` and `model.json` (the trained Splink model);
    `provenance` is the sentence saying where the linked records came from."""
    folder = out_dir / "linkage"
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "model.json"
    model.write_text(json.dumps(run.model, indent=2), encoding="utf-8")
    report = folder / "report.html"
    report.write_text(render_report(run, provenance=provenance), encoding="utf-8")
    return LinkageOutputs(folder=folder, report=report, model=model)


def render_report(run: LinkRun, *, provenance: str) -> str:
    """The HTML report: where the data came from, what the run did, how good it is, what the
    model learnt, near misses."""
    environment = report_environment()
    weights = match_weights(run.model)
    chart = Markup(diverging_bars_svg(
        "match-weights", [label for label, _ in weights], [w for _, w in weights],
        xlabel="Match weight (log2 of m / u): evidence for a match to the right"))
    scores = []
    if run.quality is not None:
        scores = [_scores_row("Record pairs", run.quality.pairs),
                  _scores_row("People (exact clusters)", run.quality.clusters),
                  _scores_row("Record pairs of children", run.quality.child_pairs)]
    return environment.get_template("linkage_report.html").render(
        title=TITLE, run=run, scores=scores, chart=chart, weights=weights,
        prior=run.model.get("probability_two_random_records_match"), provenance=provenance)


def match_weights(model: dict[str, Any]) -> list[tuple[str, float]]:
    """(comparison: level, weight) for every non-null level of the trained model, in order.

    Why weights and not m and u: the weight is what a reader needs (how far one agreement
    moves the score); levels without both estimates are left out rather than drawn as zero.
    """
    weights: list[tuple[str, float]] = []
    for comparison in model.get("comparisons", []):
        name = comparison.get("output_column_name", "")
        for level in comparison.get("comparison_levels", []):
            weight = level_weight(level)
            if level.get("is_null_level") or weight is None:
                continue
            label = level.get("label_for_charts", "")
            weights.append((f"{name.replace('_', ' ')}: {label}", weight))
    return weights


def _scores_row(name: str, scores: Scores) -> dict[str, str]:
    return {"name": name, "precision": f"{scores.precision:.4f}",
            "recall": f"{scores.recall:.4f}", "f1": f"{scores.f1:.4f}",
            "true_positives": f"{scores.true_positives:,}",
            "predicted": f"{scores.predicted:,}", "actual": f"{scores.actual:,}"}
