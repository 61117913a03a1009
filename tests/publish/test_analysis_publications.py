"""What the profile and performance publications carry for the web pages: every table of a
profile as the restricted edition has it, kept and read back unchanged; the national profile
and figures under England and Wales's code; each force's rows of the framework and only its
own; charts drawn again from what was kept."""

from __future__ import annotations

from tessera.analysis.performance import NATIONAL as PERFORMANCE_NATIONAL
from tessera.analysis.profile import NATIONAL
from tessera.casework.publications import ENGLAND_AND_WALES, publications
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.publish.performance_publication import PRODUCT as PERFORMANCE
from tessera.publish.performance_publication import measures_of, tables_of
from tessera.publish.performance_report import control_charts
from tessera.publish.profile_disclosure import restricted_profile
from tessera.publish.profile_publication import PRODUCT as PROFILES
from tessera.publish.profile_publication import profile_detail, profile_of
from tessera.publish.profile_report import profile_charts
from tests.web.analysis_data import fixture_performance, fixture_profiles, publish_fixture_products


def test_a_profile_reads_back_as_the_restricted_edition() -> None:
    """Every table, column (with its kind and derivation) and cell comes back as it went in,
    and the charts are drawn from it."""
    profiles, _ = fixture_profiles()
    for profile in profiles:
        shown = restricted_profile(profile)
        back = profile_of(profile_detail(shown))
        assert back == shown
    charts = profile_charts(profile_of(profile_detail(restricted_profile(profiles[0]))))
    assert all(c.svg.startswith("<svg") for cs in charts.values() for c in cs)


def test_publications_scope_each_place_and_keep_its_rows(tmp_path: object) -> None:
    store = Casework.open(f"sqlite:///{tmp_path}/c.db", Signer.generate())
    publish_fixture_products(store)
    result, _ = fixture_performance()
    with store.reading() as session:
        (profiles,) = publications(session, PROFILES)
        (performance,) = publications(session, PERFORMANCE)
        from sqlalchemy import select

        from tessera.casework.models import PublishedEntry
        entries = {(e.publication_id, e.key): e for e in session.scalars(select(PublishedEntry))}
    store.close()
    national = entries[(profiles.publication_id, ENGLAND_AND_WALES)]
    assert national.force_code == ENGLAND_AND_WALES
    assert national.detail["force_code"] == NATIONAL
    assert entries[(profiles.publication_id, "west-yorkshire")].score == 9.0
    assert PERFORMANCE_NATIONAL == ENGLAND_AND_WALES
    assert measures_of(performance.settings) == result.measures
    for code in ("west-yorkshire", "lancashire", ENGLAND_AND_WALES):
        entry = entries[(performance.publication_id, code)]
        tables = tables_of(entry.detail)
        assert set(tables["force_quarters"].column("force_code")) == {code}
        assert len(tables["force_measures"].rows) == len(result.computed)
        signals = sum(1 for m in result.computed if result.figures[(code, m.id)].chart.signals)
        assert entry.score == signals
        drawn = control_charts(result.computed, tables["force_quarters"])
        assert len(drawn) == sum(1 for m in result.computed
                                 if result.figures[(code, m.id)].chart.centre is not None)
