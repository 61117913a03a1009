"""Writing the audit: one CSV per table and a self-contained HTML report."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tessera.analysis.audit import RULES, AuditResult
from tessera.dataset import codelist
from tessera.publish.audit_report import render_report, write_audit
from tessera.publish.sections import ReportOutputs
from tessera.warehouse.engine import Engine
from tessera.warehouse.provenance import release_provenance


class ReportParser(HTMLParser):
    """Collects what a reader sees: headlines, captions, chart SVGs, links and plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.headlines: dict[str, str] = {}
        self.captions: list[str] = []
        self.svgs = 0
        self.external: list[str] = []
        self.text: list[str] = []
        self._headline: str | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "data-headline" in attributes:
            self._headline = attributes["data-headline"]
        self._in_caption = tag == "caption"
        self.svgs += tag == "svg"
        if tag in ("script", "link", "img", "iframe"):
            self.external.append(tag)
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if value.startswith(("http:", "https:", "//")):
                self.external.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_caption = False if tag == "caption" else self._in_caption

    def handle_data(self, data: str) -> None:
        if self._headline is not None:
            self.headlines[self._headline] = data.strip()
            self._headline = None
        if self._in_caption:
            self.captions.append(data.strip())
        self.text.append(data)


@pytest.fixture(scope="module")
def provenance(audit_engine: Engine) -> str:
    """What the hand-made warehouse's batch record says of its data (no files loaded)."""
    return release_provenance(audit_engine).sentence


@pytest.fixture(scope="module")
def outputs(audit_result: AuditResult, provenance: str,
            tmp_path_factory: pytest.TempPathFactory) -> ReportOutputs:
    return write_audit(audit_result, tmp_path_factory.mktemp("out"), provenance=provenance)


@pytest.fixture(scope="module")
def report(outputs: ReportOutputs) -> ReportParser:
    parser = ReportParser()
    parser.feed(outputs.report.read_text(encoding="utf-8"))
    return parser


def test_writes_one_csv_per_table_and_the_report(outputs: ReportOutputs,
                                                 audit_result: AuditResult) -> None:
    assert outputs.folder.name == "audit"
    assert outputs.report == outputs.folder / "report.html"
    assert list(outputs.csvs) == list(audit_result.tables)
    for name, path in outputs.csvs.items():
        assert path == outputs.folder / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        table = audit_result.tables[name]
        assert tuple(rows[0]) == tuple(column.label for column in table.columns)
        assert len(rows) == len(table.rows) + 1


def test_csv_holds_raw_values_and_blanks(outputs: ReportOutputs) -> None:
    with outputs.csvs["offence_categories"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0] == {"Category code": "csa_offences", "Category": "All CSA offences",
                       "Offences": "12", "Share of CSA offences (%)": "100.0"}
    with outputs.csvs["category_by_force"].open(encoding="utf-8", newline="") as handle:
        kent = next(r for r in csv.DictReader(handle) if r["Force code"] == "kent")
    # no thousands separators in CSV
    assert kent["Population"] == codelist("police_forces").column("population")["kent"]
    with outputs.csvs["victim_profile"].open(encoding="utf-8", newline="") as handle:
        unknown = next(r for r in csv.DictReader(handle)
                       if r["Category"] == "Not known")
    assert unknown["Share of known (%)"] == "" and unknown["Rate per 100,000"] == ""


def test_report_opens_with_the_headline_figures(report: ReportParser,
                                                audit_result: AuditResult) -> None:
    assert report.headlines == {
        "All CSA offences": "12",
        "Within the family, any number of perpetrators (overlapping)": "3",
        "In an institution, any number of perpetrators (overlapping)": "2",
        "More than one perpetrator": "8", "Within the family, more than one perpetrator": "3",
        "In an institution, more than one perpetrator": "2", "Group-based CSE": "2",
        "Online (overlapping)": "3", "Named perpetrators": "18"}
    assert [h.label for h in audit_result.headlines] == list(report.headlines)


def test_report_says_what_it_is_and_states_the_rules(report: ReportParser,
                                                    provenance: str) -> None:
    text = " ".join(" ".join(report.text).split())
    assert f"{provenance} These are management statistics, not official statistics" in text
    for _, rule in RULES:
        assert " ".join(rule.split()) in text
    assert "Ethnicity known for perpetrators (Group-based CSE): 66.7% (2 of 3)." in text


def test_every_table_has_a_caption_and_a_csv_link(report: ReportParser,
                                                  audit_result: AuditResult,
                                                  outputs: ReportOutputs) -> None:
    assert report.captions == [t.title for t in audit_result.tables.values()]
    html = outputs.report.read_text(encoding="utf-8")
    for name in audit_result.tables:
        assert f'href="{name}.csv"' in html


def test_report_is_self_contained_with_inline_charts(report: ReportParser,
                                                     outputs: ReportOutputs) -> None:
    assert report.external == []
    assert report.svgs == 5  # categories, force funnel, ethnicity x2, completeness by stage
    html = outputs.report.read_text(encoding="utf-8")
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert "#1d70b8" in html and "GDS Transport" in html


def test_report_formats_numbers_for_reading(outputs: ReportOutputs) -> None:
    html = outputs.report.read_text(encoding="utf-8")
    kent = int(codelist("police_forces").column("population")["kent"])
    assert f">{kent:,}<" in html  # kent population
    assert f">{round(3 * 100_000 / kent, 2):.2f}<" in html  # kent's 3 offences, two decimals


def test_totals_are_emphasised(outputs: ReportOutputs) -> None:
    html = outputs.report.read_text(encoding="utf-8")
    # the CSA total, and 'All people' per offence group and characteristic or party:
    # 2 groups x 4 characteristics x 2 profiles, plus 2 groups x 2 parties for nationality,
    # and the CSA total of the offences that lost a related row to rejection
    assert html.count('<tr class="total">') == 1 + 16 + 4 + 1


def test_report_is_reproducible(audit_result: AuditResult, provenance: str) -> None:
    assert render_report(audit_result, provenance=provenance) == render_report(
        audit_result, provenance=provenance)


def test_write_audit_creates_missing_folders(audit_result: AuditResult, provenance: str,
                                             tmp_path: Path) -> None:
    outputs = write_audit(audit_result, tmp_path / "new" / "place", provenance=provenance)
    assert outputs.report.is_file()


def test_the_ethnicity_chart_says_what_its_figures_rest_on(outputs: ReportOutputs) -> None:
    """Each series says how complete ethnicity is and how much was self-defined at the end
    of the investigation (measure M4): 2 of 11 victims known, 1 of them self-defined then."""
    html = outputs.report.read_text(encoding="utf-8")
    assert "Victims (ethnicity known for 18.2%; self-defined at the end for 9.1%)" in html


def test_forces_are_compared_on_a_funnel_not_ranked(outputs: ReportOutputs) -> None:
    """The force chart is a funnel plot around the national rate; no ranked bar chart."""
    html = outputs.report.read_text(encoding="utf-8")
    assert 'id="chart-force-funnel-caption"' in html and "chart-force-rates" not in html
    assert "99.8% limits" in html and "National rate" in html
