"""The performance pages: an analyst reads their own force's measures, quarters and control
charts; another force's, or England and Wales's, is refused and the attempt logged; a national
analyst reads any; every view in the read log; on SQLite and PostgreSQL.

The figures are the performance fixture's (tests/analysis/performance): 160 offences over
eight quarters in West Yorkshire, Lancashire and City of London; the page must show what the
framework computed for the force, cell for cell.
"""

from __future__ import annotations

import re

from tessera.analysis.performance import NATIONAL
from tests.web.analysis_data import fixture_performance
from tests.web.conftest import Site, reads


def test_an_analyst_lists_only_their_own_force(site: Site) -> None:
    client, _ = site.client("analyst")
    page = client.get("/performance")
    assert page.status_code == 200
    assert 'href="/performance/west-yorkshire"' in page.text
    assert "lancashire" not in page.text and "england-and-wales" not in page.text
    assert reads(site, "analyst", "performance")[0][0] == "performance_list"


def test_a_force_page_shows_the_frameworks_figures_and_a_chart_per_measure(site: Site) -> None:
    """Every computed measure's count and value as the framework computed them, the measures
    with no source listed, and one control chart image per measure that has a centre line."""
    result, _ = fixture_performance()
    client, _ = site.client("analyst")
    page = client.get("/performance/west-yorkshire")
    assert page.status_code == 200
    text = page.text
    table = text[text.index('id="force_measures-table"'):text.index("</table>",
                                                                  text.index("force_measures"))]
    for measure in result.computed:
        found = result.figures[("west-yorkshire", measure.id)]
        row = re.search(rf"<td[^>]*>{measure.id}</td>(.*?)</tr>", table, re.DOTALL)
        assert row, measure.id
        if found.figure.numerator is not None:
            assert f">{found.figure.numerator:,}<" in row.group(1), measure.id
        drawn = found.chart.centre is not None
        src = f'src="/performance/west-yorkshire/charts/chart-spc-{measure.id.lower()}.svg"'
        assert (src in text) == drawn, measure.id
    for measure in result.measures:
        if measure.no_source:
            assert f"{measure.id} {measure.name}: no source yet" in text
    assert "P14 Problem-profile currency: no source yet" not in text
    force = result.force("west-yorkshire")
    assert force.density and force.deprivation
    assert f"{force.density:,} residents per square kilometre" in text
    assert f"deprivation score {force.deprivation}" in text
    currency = text[text.index('id="profile_currency-table"'):]
    currency = currency[:currency.index("</table>")]
    assert re.search(r">2026-10-01<.*>2023-01-01 to 2023-12-31<.*>60<.*>yes<", currency,
                     re.DOTALL), currency
    quarters = text[text.index('id="force_quarters-table"'):]
    assert ">west-yorkshire<" in quarters and ">lancashire<" not in quarters
    assert reads(site, "analyst", "performance")[0][:2] == (
        "performance_entry", f"west-yorkshire (publication {_publication(site)})")


def test_a_control_chart_is_drawn_from_the_published_quarters(site: Site) -> None:
    client, _ = site.client("analyst")
    result, _ = fixture_performance()
    measure = next(m for m in result.computed
                   if result.figures[("west-yorkshire", m.id)].chart.centre is not None)
    chart = client.get(f"/performance/west-yorkshire/charts/chart-spc-{measure.id.lower()}.svg")
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert client.get("/performance/west-yorkshire/charts/chart-spc-zz.svg").status_code == 404


def test_another_forces_page_is_refused_and_the_attempt_logged(site: Site) -> None:
    client, _ = site.client("analyst")
    for force in ("lancashire", NATIONAL):
        page = client.get(f"/performance/{force}")
        assert page.status_code == 404 and "Lancashire" not in page.text
        assert reads(site, "analyst", "performance")[0][:2] == ("performance_entry", force)


def test_a_national_analyst_reads_england_and_wales_and_every_force(site: Site) -> None:
    client, _ = site.client("national_analyst")
    listing = client.get("/performance")
    for force in ("west-yorkshire", "lancashire", "city-of-london", NATIONAL):
        assert f'href="/performance/{force}"' in listing.text
    page = client.get(f"/performance/{NATIONAL}")
    assert page.status_code == 200 and "Every force that supplied offences." in page.text


def _publication(site: Site) -> int:
    from tessera.casework.publications import publications
    from tessera.publish.performance_publication import PRODUCT

    with site.casework.reading() as session:
        return publications(session, PRODUCT)[0].publication_id
