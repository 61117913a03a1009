"""Charts: well-formed, reproducible inline SVG that never shows a missing figure as zero."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tessera.publish.charts import (
    FunnelLimits,
    control_chart_svg,
    funnel_plot_svg,
    grouped_bars_svg,
    horizontal_bars_svg,
    monthly_lines_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_horizontal_bars_are_a_scalable_svg_element() -> None:
    svg = horizontal_bars_svg("one", ["Kent Police", "West Yorkshire Police"], [0.17, 0.4],
                              xlabel="per 100,000", intervals=[(0.03, 0.51), (0.18, 0.77)],
                              value_format="{:.2f}")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert "viewBox" in root.attrib and "width" not in root.attrib
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Kent Police" in texts and "0.40" in texts  # text kept as text (searchable)


def test_charts_are_reproducible_and_ids_unique_between_charts() -> None:
    def draw(name: str) -> str:
        return horizontal_bars_svg(name, ["a", "b"], [1.0, 2.0], xlabel="x")

    assert draw("first") == draw("first")
    ids = [set(re.findall(r'id="([^"]+)"', draw(name))) for name in ("first", "second")]
    assert ids[0] and not ids[0] & ids[1]
    assert all(i.startswith("first-") for i in ids[0])
    svg = draw("first")
    for reference in re.findall(r'(?:url\(#|xlink:href="#)([^")]+)', svg):
        assert f'id="{reference}"' in svg


def test_grouped_bars_label_missing_values() -> None:
    svg = grouped_bars_svg("grouped", ["At report", "At charge"],
                           {"Victims": [50.0, None], "Perpetrators": [66.7, 0.0]},
                           xlabel="known (%)")
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "no data" in texts and "0%" in texts and "67%" in texts
    assert "Victims" in texts and "Perpetrators" in texts


def test_empty_chart_still_renders() -> None:
    ET.fromstring(horizontal_bars_svg("empty", [], [], xlabel="x"))
    ET.fromstring(grouped_bars_svg("empty-grouped", [], {}, xlabel="x"))


def test_funnel_plot_labels_only_the_areas_outside_the_limits() -> None:
    """Dots are drawn where their population puts them; only the named ones get a label."""
    limits = [FunnelLimits("95% limits", [1e4, 1e6], [2.0, 9.0], [25.0, 11.0]),
              FunnelLimits("99.8% limits", [1e4, 1e6], [0.5, 8.0], [35.0, 12.0])]
    svg = funnel_plot_svg("funnel", [("City", 8_580, 30.0), ("Kent", 1_855_842, 10.1),
                                     ("West", 2_351_579, 14.0)],
                          centre=10.0, limits=limits, named=["West"],
                          xlabel="Residents", ylabel="per 100,000")
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "West" in texts and "City" not in texts and "Kent" not in texts
    assert "95% limits" in texts and "99.8% limits" in texts and "National rate" in texts


def test_empty_funnel_still_renders() -> None:
    ET.fromstring(funnel_plot_svg("empty-funnel", [], centre=0.0, limits=[], named=[],
                                  xlabel="x", ylabel="y"))


def test_monthly_lines_are_reproducible_and_take_gaps() -> None:
    """A trend with a hidden month (None) draws, the same bytes twice, every id prefixed, and
    the month labels are in the SVG text."""
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    values: list[float | None] = [3.0, 4.0, None, 5.0, 6.0, 2.0, 1.0, 0.0, 3.0, 4.0, 5.0, 6.0]
    one = monthly_lines_svg("trend", months, {"CSA offences": values}, ylabel="Offences")
    two = monthly_lines_svg("trend", months, {"CSA offences": values}, ylabel="Offences")
    assert one == two and one.startswith("<svg")
    ET.fromstring(one)
    assert all(i.startswith("trend-") for i in re.findall(r'\sid="([^"]+)"', one))
    assert "2023-01" in one and "CSA offences" in one
def test_control_chart_draws_a_gap_for_a_hidden_point_and_marks_special_causes() -> None:
    """A None value is a gap, not a zero; the chart is one scalable SVG with prefixed ids."""
    svg = control_chart_svg("spc", ["2023 Q1", "2023 Q2", "2023 Q3"], [4.0, None, 9.0],
                            centre=5.0, lower=[1.0, 1.0, 1.0], upper=[9.0, None, 8.5],
                            flagged=[False, False, True], ylabel="%")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "2023 Q2" in svg and "Special cause" in svg
    assert all(i.startswith("spc-") for i in re.findall(r' id="([^"]+)"', svg))
