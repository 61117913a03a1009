"""What each rate divides by and how old that population is, said once for the tables' notes.

Why from the code lists: the vintage, and whether any band is approximate, are facts of the
reference data (its source column), so the notes read them there and cannot drift from the
figures.
"""

from __future__ import annotations

from tessera.dataset import codelist

CENSUS_2021 = "the 2021 Census (usual residents on 21 March 2021, ONS table TS007A)"
CENSUS_2021_SINGLE_YEARS = ("the 2021 Census (usual residents on 21 March 2021, by single year of "
                            "age, summed over the 9 English regions and Wales)")


def force_population_note() -> str:
    """The denominator of the force rates and its vintage."""
    return (f"Population: residents of the force area at {CENSUS_2021}, the sum of its "
            "upper-tier local authorities. Intervals are exact 95% Poisson intervals and show "
            "random variation only, not under-reporting.")


def profile_population_note() -> str:
    """The denominators of the profile rates, which bands are approximate, and why sex and
    ethnic group have no rate."""
    bands = codelist("age_bands")
    approximate = [bands.label(code) for code, source in bands.column("source").items()
                   if "approximate" in source]
    split = (f" {', '.join(approximate)} are approximate." if approximate else "")
    return (f"Rates by age are per 100,000 residents of England and Wales in the age band at "
            f"{CENSUS_2021_SINGLE_YEARS}.{split} Rates by sex and ethnic group are not shown: "
            "no sourced Census 2021 population of children (for victims) or of people aged 10 "
            "and over (for perpetrators) by sex and ethnic group is held yet, and an all-ages "
            "rate would overstate groups with young age profiles.")
