"""Write a problem profile out: one CSV per table, a self-contained HTML report and its PDF.

Why HTML and PDF from one template: the profile is read on screen and circulated as a
document to partners and the inspectorate; WeasyPrint prints the same HTML (inline SVG charts,
inline styles) to PDF, so the two never differ in a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup
from weasyprint import HTML

from tessera.analysis.profile import Profile
from tessera.analysis.results import Cell
from tessera.publish.charts import horizontal_bars_svg, monthly_lines_svg
from tessera.publish.editions import EditionKind
from tessera.publish.sections import Chart, report_environment, table_section, write_report

STATUS: dict[EditionKind, str] = {
    "published": "Published edition: counts of 1 to 9, and the figures that would give them "
                 "back, are shown as [c] (docs/disclosure.md).",
    "restricted": "Restricted edition: every figure, not disclosure controlled; for the force's "
                  "own analysts, do not publish or copy. This view is in the read log.",
}


@dataclass(frozen=True)
class ProfileOutputs:
    """Where one profile was written: its folder, HTML report, PDF and each table's CSV."""

    folder: Path
    report: Path
    pdf: Path | None
    csvs: dict[str, Path]


@dataclass(frozen=True)
class Headline:
    """One figure the profile opens with."""

    label: str
    value: str
    detail: str


def write_profile(profile: Profile, folder: Path, *, edition: EditionKind, provenance: str,
                  produced: date | None = None, pdf: bool = True) -> ProfileOutputs:
    """Write `folder/<table>.csv`, `folder/report.html` and (with `pdf`) `folder/report.pdf`."""
    html = render_profile(profile, edition=edition, provenance=provenance,
                          produced=produced or date.today())
    outputs = write_report(folder, profile.tables, html)
    printed = folder / "report.pdf" if pdf else None
    if printed is not None:
        HTML(string=html, base_url=str(folder)).write_pdf(printed)
    return ProfileOutputs(folder=folder, report=outputs.report, pdf=printed, csvs=outputs.csvs)


def render_profile(profile: Profile, *, edition: EditionKind, provenance: str,
                   produced: date) -> str:
    """The HTML report: status, headlines, contents, then each section and its tables."""
    charts = profile_charts(profile)
    parts = []
    for section in profile.sections:
        tables = []
        for name in section.tables:
            shaped = table_section(name, profile.tables[name], charts.get(name, []))
            shaped["level"] = 3
            tables.append(shaped)
        parts.append({"key": section.key, "title": section.title, "summary": section.summary,
                      "tables": tables})
    return report_environment().get_template("profile_report.html").render(
        title=f"{profile.force_label}: problem profile, {profile.period.label}",
        edition=edition, status=STATUS[edition], provenance=provenance,
        headlines=headlines(profile), parts=parts, produced=produced.isoformat(),
        period=profile.period.label,
        edition_note=("Published edition, disclosure controlled." if edition == "published"
                      else "Restricted edition: not for publication."))


def headlines(profile: Profile) -> list[Headline]:
    """CSA offences, group-based CSE and the network count, as the edition shows them."""
    table = profile.tables["definitions"]
    shown = {str(r["measure_code"]): r["offences"] for r in table.records()}
    csa = shown["csa_offences"]
    result = [Headline("CSA offences", _text(csa), f"recorded {profile.period.label}")]
    for code, name in (("group_based", "Group-based CSE"),
                       ("network", "Group-based through the network")):
        result.append(Headline(name, _text(shown[code]), f"of {_text(csa)} CSA offences"))
    return result


def profile_charts(profile: Profile, *, draw: bool = True) -> dict[str, list[Chart]]:
    """The trend against England and Wales and the kinds of place, from the shown figures, by
    the table each stands beside. Without `draw`, the charts' titles and text only (a web page
    names its charts and serves each drawn on its own request)."""
    trend = profile.tables["trend"]
    months = [str(m) for m in trend.column("month")]

    def lines(name: str, csa: str, group: str) -> Markup:
        return Markup(monthly_lines_svg(name, months, {
            "CSA offences": [_number(v) for v in trend.column(csa)],
            "Group-based CSE": [_number(v) for v in trend.column(group)]},
            ylabel="Offences")) if draw else Markup("")

    nature = [r for r in profile.tables["nature"].records()
              if r["aspect"] == "Kind of place" and r["category"] != "All"]
    places = [_number(r["csa_offences"]) for r in nature]
    return {"trend": [
        Chart("chart-trend", "CSA and group-based CSE offences by month",
              "Line chart of the force's CSA offences and group-based CSE offences each month; "
              "hidden months are gaps; the figures, with England and Wales beside them, are in "
              "the table below.", lines("trend", "csa_offences", "group_based")),
        Chart("chart-trend-national",
              "England and Wales: CSA and group-based CSE offences by month",
              "Line chart of the national figures (rounded to the nearest 10) month by month, "
              "the picture beside the force's; the figures are in the table below.",
              lines("trend-national", "national_csa", "national_group_based"))],
        "nature": [Chart(
            "chart-places", "CSA offences by kind of place",
            "Bar chart of CSA offences at each kind of place (hidden figures drawn as 0 and "
            "shown as [c] in the table below).",
            Markup(horizontal_bars_svg("places", [str(r["category"]) for r in nature],
                                       [v if v is not None else 0.0 for v in places],
                                       xlabel="CSA offences")) if draw else Markup(""))]}


def _number(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _text(value: Cell) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
