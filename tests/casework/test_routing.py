"""Routing by postcode, on real postcodes from the ONS Postcode Directory."""

from __future__ import annotations

import pytest

from tessera.casework.routing import (
    NATIONAL_QUEUE,
    Route,
    normalise_postcode,
    queue_name,
    route_local_authority,
    route_postcode,
)

NATIONAL = Route(None, None, NATIONAL_QUEUE)


@pytest.mark.parametrize(("postcode", "route"), [
    ("TS24 8AA", Route("E06000001", "cleveland", "E06000001")),
    ("ts248aa", Route("E06000001", "cleveland", "E06000001")),
    ("SW1A 1AA", Route("E09000033", "metropolitan", "E09000033")),
    ("CF10 1AA", Route("W06000015", "south-wales", "W06000015")),
    ("CB2 1TN", Route("E10000003", "cambridgeshire", "E10000003")),
    ("S1 2HE", Route("E08000019", "south-yorkshire", "E08000019")),
    ("LA9 4DL", Route("E10000006", "cumbria", "E10000006")),
], ids=["Hartlepool", "lower case without a space", "Westminster", "Cardiff",
        "Cambridge district to Cambridgeshire county", "Sheffield recoded in 2024",
        "Westmorland and Furness to the Cumbria of the 2021 list"])
def test_known_postcodes_route_to_their_upper_tier_authority_and_force(
        postcode: str, route: Route) -> None:
    """The postcode's district is mapped to the children's services authority and its force."""
    assert route_postcode(postcode) == route


@pytest.mark.parametrize("postcode", [None, "", "nonsense", "ZZ99 9ZZ", "EH1 1YZ", "BT1 5GS"],
                         ids=["absent", "blank", "nonsense", "well formed but unknown",
                              "Scotland", "Northern Ireland"])
def test_anything_else_goes_to_the_national_queue(postcode: str | None) -> None:
    """Never nowhere: a report the postcode cannot place goes to the national queue."""
    assert route_postcode(postcode) == NATIONAL


def test_postcodes_are_normalised_or_refused() -> None:
    """Upper case with one space before the inward code; not a postcode is None."""
    assert normalise_postcode(" sw1a1aa ") == "SW1A 1AA"
    assert normalise_postcode("LS6  1AB") == "LS6 1AB"
    assert normalise_postcode("12345") is None
    assert normalise_postcode("LS6") is None


def test_transfers_route_by_authority_code() -> None:
    """A transfer names an authority; its force follows from the code list."""
    assert route_local_authority("E08000019") == Route("E08000019", "south-yorkshire",
                                                       "E08000019")
    assert route_local_authority("E99999999") == NATIONAL
    assert queue_name("E06000001") == "Hartlepool"
    assert queue_name(NATIONAL_QUEUE) == "National queue"
