"""The release register: an earlier release's figures constrain a later one for the same period."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.analysis.results import Column, StatTable
from tessera.errors import PublicationError
from tessera.publish.disclosure import protect
from tessera.publish.register import ReleaseRegister, load_register, save_register
from tessera.publish.tabulation import Relation

COLUMNS = (Column("region", "Region", "dimension"), Column("offences", "Offences", "count"))


def _march() -> StatTable:
    return StatTable("by_region", "Offences by region", COLUMNS, (("North", 30), ("South", 52)))


def _june() -> StatTable:
    columns = (Column("region", "Region", "dimension"),
               Column("online", "Online", "count"), Column("offline", "Offline", "count"))
    return StatTable("by_region_and_setting", "Offences by region and setting", columns,
                     (("North", 3, 27), ("South", 20, 32)))


def _across(march: StatTable, june: StatTable) -> list[Relation]:
    return [Relation(march.cell((region,), "offences"),
                     (june.cell((region,), "online"), june.cell((region,), "offline")))
            for region in ("North", "South")]


def _released_in_march(tmp_path: Path) -> Path:
    march = _march()
    path = tmp_path / "register-2024.json"
    protection = protect([march], [])
    register = load_register(path, "2024").record("march", protection.cells,
                                                  protection.relations)
    save_register(register, path)
    return path


def test_an_earlier_total_forces_a_suppression_that_the_table_alone_does_not(
        tmp_path: Path) -> None:
    """June's table has no totals, so 3 alone would do; but March published North = 30, and
    30 - 27 = 3: the register makes the optimiser hide 27 too."""
    march, june = _march(), _june()
    alone = protect([june], [])
    assert {str(c) for c in alone.suppressed} == {"by_region_and_setting[North][online]"}
    register = load_register(_released_in_march(tmp_path), "2024")
    later = protect([june], _across(march, june), register=register)
    assert {str(c) for c in later.suppressed} == {"by_region_and_setting[North][online]",
                                                  "by_region_and_setting[North][offline]"}
    assert later.ranges[june.cell(("North",), "online")] == (0.0, 30.0)


def test_the_register_keeps_what_it_was_given(tmp_path: Path) -> None:
    path = _released_in_march(tmp_path)
    register = load_register(path, "2024")
    assert register.releases == ("march",)
    assert [(str(c.ref), c.value, c.low, c.high, c.primary) for c in register.cells] == [
        ("by_region[North][offences]", 30, 30, 30, False),
        ("by_region[South][offences]", 52, 52, 52, False)]
    june = _june()
    protection = protect([june], _across(_march(), june), register=register)
    later = register.record("june", protection.cells, protection.relations)
    save_register(later, path)
    again = load_register(path, "2024")
    assert again == later
    hidden = [c for c in again.cells if c.suppressed]
    assert {str(c.ref) for c in hidden if c.primary} == {"by_region_and_setting[North][online]"}


def test_a_release_is_recorded_once_and_periods_do_not_mix(tmp_path: Path) -> None:
    path = _released_in_march(tmp_path)
    with pytest.raises(PublicationError, match="already in the register"):
        load_register(path, "2024").record("march", (), ())
    with pytest.raises(PublicationError, match="not a release register for 2025"):
        load_register(path, "2025")
    assert load_register(tmp_path / "none.json", "2025") == ReleaseRegister("2025")


def test_a_figure_suppressed_earlier_stays_suppressed_and_stays_protected(tmp_path: Path
                                                                         ) -> None:
    """Republishing June's table with a new total must not reveal what June hid."""
    march, june = _march(), _june()
    path = _released_in_march(tmp_path)
    register = load_register(path, "2024")
    first = protect([june], _across(march, june), register=register)
    register = register.record("june", first.cells, first.relations)
    totals = StatTable("online_total", "Online offences", (
        Column("area", "Area", "dimension"), Column("online", "Online", "count")),
        (("England", 23),))
    relation = Relation(totals.cell(("England",), "online"),
                        (june.cell(("North",), "online"), june.cell(("South",), "online")))
    second = protect([totals], [relation], register=register)
    assert {str(c) for c in second.suppressed} == {"online_total[England][online]"}
