"""The two editions: the same tables, published with symbols and derived figures worked out from
what is shown, or restricted with every figure."""

from __future__ import annotations

from tessera.analysis.results import Column, Rows, StatTable
from tessera.publish.disclosure import DisclosureRule, protect
from tessera.publish.editions import Symbol, published_edition, restricted_edition
from tessera.publish.tabulation import sums_down

COLUMNS = (
    Column("area", "Area", "dimension"),
    Column("population", "Population", "count", protected=False),
    Column("offences", "Offences", "count"),
    Column("share", "Share of offences (%)", "share", of="offences",
           per=Rows("offences", "area", ("All",))),
    Column("rate", "Per 100,000", "rate", of="offences", per="population"),
    Column("low", "95% interval low", "interval_low", of="offences", per="population"),
    Column("high", "95% interval high", "interval_high", of="offences", per="population"),
)


def _table() -> tuple[StatTable, list]:
    rows = (("North", 100_000, 4, 0.0, 0.0, 0.0, 0.0),
            ("Middle", 200_000, 16, 0.0, 0.0, 0.0, 0.0),
            ("South", 300_000, 46, 0.0, 0.0, 0.0, 0.0),
            ("Unknown", None, 12, None, None, None, None),
            ("All", 600_000, 78, 0.0, 0.0, 0.0, 0.0))
    table = StatTable("areas", "Offences by area", COLUMNS, rows, frozenset({("All",)}))
    relations = sums_down(table, ("All",), [("North",), ("Middle",), ("South",), ("Unknown",)],
                          ["offences"])
    return table, relations


def test_the_published_edition_hides_the_count_and_every_figure_made_from_it() -> None:
    table, relations = _table()
    protection = protect([table], relations)
    shown = published_edition([table], protection).tables["areas"]
    assert shown.column("offences") == [Symbol.CONFIDENTIAL, 16, 46, Symbol.CONFIDENTIAL, 78]
    assert shown.column("share") == [Symbol.CONFIDENTIAL, 20.5, 59.0, Symbol.NOT_APPLICABLE,
                                     100.0]
    assert shown.column("rate")[0] == Symbol.CONFIDENTIAL
    assert shown.column("rate")[1] == Symbol.LOW_RELIABILITY, "16 events: low reliability"
    assert shown.column("rate")[2] == 15.33
    # exact Poisson interval of 46: 33.68 to 61.36, per 300,000
    assert shown.column("low")[2] == 11.23 and shown.column("high")[2] == 20.45
    assert shown.column("population")[3] == Symbol.NOT_APPLICABLE, "no number given"


def test_the_restricted_edition_shows_every_figure_from_the_same_tables() -> None:
    table, _ = _table()
    shown = restricted_edition([table]).tables["areas"]
    assert shown.column("offences") == [4, 16, 46, 12, 78]
    assert shown.column("share")[0] == 5.1
    assert shown.column("rate")[:2] == [4.0, 8.0]


def test_shares_use_the_rounded_total_that_is_published() -> None:
    table, relations = _table()
    rule = DisclosureRule(round_totals_to=10)
    protection = protect([table], relations, rule)
    shown = published_edition([table], protection, rule).tables["areas"]
    assert shown.column("offences")[-1] == 80
    assert shown.column("share")[1] == 20.0


def test_a_missing_population_makes_a_rate_not_available() -> None:
    columns = (Column("area", "Area", "dimension"),
               Column("population", "Population", "count", protected=False),
               Column("offences", "Offences", "count"),
               Column("rate", "Per 100,000", "rate", of="offences", per="population"))
    table = StatTable("t", "T", columns, (("North", None, 40, 0.0),))
    shown = restricted_edition([table]).tables["t"]
    assert shown.column("rate") == [Symbol.NOT_AVAILABLE]
    assert str(Symbol.NOT_AVAILABLE) == "[x]"
