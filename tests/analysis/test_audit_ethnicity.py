"""Measure M4: what every ethnicity figure rests on, by stage and by source."""

from __future__ import annotations

from tessera.analysis.audit import AuditResult, run_audit
from tests.analysis.audit_fixture import FixtureWarehouse, one


def test_ethnicity_figures_say_what_they_rest_on(result: AuditResult) -> None:
    """Victims: V1's '13' taken at arrest, V4's '11' at the end, both self-defined; of 11
    victims one self-defined an ethnicity at the end (M4). Perpetrators: P9's '4' at the end
    and P11's '1' at report."""
    victims = one(result, "ethnicity_basis", offence_group="All CSA offences", party="Victims")
    assert (victims["people"], victims["known"], victims["at_arrest"], victims["at_end"],
            victims["self_defined"], victims["self_defined_at_end"]) == (11, 2, 1, 1, 2, 1)
    assert victims["self_defined_at_end_share"] == 9.1
    assert victims["known_share"] == one(
        result, "victim_profile", offence_group="All CSA offences",
        characteristic="Ethnic group (19 categories)", category="All people")["known"]
    perpetrators = one(result, "ethnicity_basis", offence_group="All CSA offences",
                       party="Perpetrators")
    assert (perpetrators["at_report"], perpetrators["at_end"],
            perpetrators["self_defined_at_end"]) == (1, 1, 1)


def test_an_officer_observed_ethnicity_is_not_measure_m4(warehouse: FixtureWarehouse) -> None:
    """P1 self-defined at report, an officer recorded Roma at the end: the profile takes the
    later Roma (which can be recorded), but M4 counts only self-defined at the end."""
    parties = warehouse.crime("C-1", [("V1", "victim", 12, None), ("P1m", "suspect", 30, None)])
    warehouse.statement(parties["P1m"], "report", ethnicity="13")
    warehouse.statement(parties["P1m"], "investigation_end", ethnicity="16",
                        source="officer_defined")
    result = run_audit(warehouse.engine)
    basis = one(result, "ethnicity_basis", offence_group="All CSA offences",
                party="Perpetrators")
    assert (basis["known"], basis["at_end"], basis["officer_defined"],
            basis["self_defined_at_end"]) == (1, 1, 1, 0)
    roma = one(result, "offender_profile", offence_group="All CSA offences",
               characteristic="Ethnic group (19 categories)", category="Roma")
    assert roma["people"] == 1
