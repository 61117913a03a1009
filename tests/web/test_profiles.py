"""The problem profile pages: an analyst reads their own force's profile, every section with
its tables and charts; another force's, or England and Wales's, is refused and the attempt
logged; a national analyst reads any; every view in the read log; on SQLite and PostgreSQL.

The figures are the audit fixture's (tests/analysis/audit_fixture.py): West Yorkshire has 9
CSA offences, 2 of them group-based CSE, Kent 3.
"""

from __future__ import annotations

import re

from tessera.analysis.profile import SECTIONS
from tests.web.conftest import Site, reads


def test_an_analyst_lists_only_their_own_forces_profile(site: Site) -> None:
    client, _ = site.client("analyst")
    page = client.get("/profiles")
    assert page.status_code == 200
    assert 'href="/profiles/west-yorkshire"' in page.text
    assert "/profiles/kent" not in page.text and "england-and-wales" not in page.text
    assert "1 page you can read" in page.text and "restricted edition" in page.text
    assert reads(site, "analyst", "problem_profile")[0][:2] == ("problem_profile_list",
                                              _latest_list_id(site, "west-yorkshire"))


def test_a_profile_page_has_every_section_table_and_chart(site: Site) -> None:
    """The nine sections in order, each table with its caption and rows, the headline
    figures as the restricted edition has them (9 CSA offences, 2 group-based), and each
    chart an image with its text alternative beside a table."""
    client, _ = site.client("analyst")
    page = client.get("/profiles/west-yorkshire")
    assert page.status_code == 200
    text = page.text
    positions = [text.index(f'id="part-{s.key}"') for s in SECTIONS]
    assert positions == sorted(positions)
    for section in SECTIONS:
        for name in section.tables:
            assert f'id="{name}-table"' in text, name
    headline = re.search(r"CSA offences</dt>\s*<dd[^>]*>(\d+)", text)
    assert headline and headline.group(1) == "9"
    assert re.search(r"Group-based CSE</dt>\s*<dd[^>]*>2 ", text)
    assert ">[c]<" not in text  # restricted: every figure
    for chart in ("chart-trend", "chart-trend-national", "chart-places"):
        assert f'src="/profiles/west-yorkshire/charts/{chart}.svg"' in text
    assert re.search(r'<img src="[^"]+" alt="Line chart of the force', text)
    assert "Restricted edition" in text and "web tests" in text
    kind, record, purpose = reads(site, "analyst", "problem_profile")[0]
    assert (kind, purpose) == ("problem_profile_entry", "problem profiles: read a force's "
                                                        "problem profile (restricted edition)")
    assert record.startswith("west-yorkshire (publication ")


def test_a_chart_is_an_svg_image_that_may_run_nothing(site: Site) -> None:
    client, _ = site.client("analyst")
    chart = client.get("/profiles/west-yorkshire/charts/chart-trend.svg")
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.text.lstrip().startswith("<svg") and "<script" not in chart.text
    policy = chart.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert client.get("/profiles/west-yorkshire/charts/nothing.svg").status_code == 404


def test_another_forces_profile_is_refused_and_the_attempt_logged(site: Site) -> None:
    client, _ = site.client("analyst")
    for force in ("kent", "england-and-wales", "no-such-force"):
        page = client.get(f"/profiles/{force}")
        assert page.status_code == 404
        assert "Kent" not in page.text
        assert reads(site, "analyst", "problem_profile")[0][:2] == ("problem_profile_entry", force)


def test_a_national_analyst_reads_every_force_and_england_and_wales(site: Site) -> None:
    client, _ = site.client("national_analyst")
    listing = client.get("/profiles")
    for force in ("west-yorkshire", "kent", "england-and-wales"):
        assert f'href="/profiles/{force}"' in listing.text
    national = client.get("/profiles/england-and-wales")
    assert national.status_code == 200 and "England and Wales" in national.text
    kent = client.get("/profiles/kent")
    headline = re.search(r"CSA offences</dt>\s*<dd[^>]*>(\d+)", kent.text)
    assert headline and headline.group(1) == "3"


def _latest_list_id(site: Site, force: str) -> str:
    from tessera.casework.publications import publications
    from tessera.publish.profile_publication import PRODUCT

    with site.casework.reading() as session:
        return f"publication {publications(session, PRODUCT)[0].publication_id}, {force}"
