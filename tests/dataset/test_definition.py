"""The definition is consistent with its code lists, and the published dictionary with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.dataset import ENTITIES, codelist
from tessera.dataset.codelists import codelist_names
from tessera.dataset.dictionary import dictionary_markdown

DOCS = Path(__file__).parent.parent.parent / "docs" / "core-dataset.md"


@pytest.mark.parametrize("name", codelist_names())
def test_every_code_list_has_unique_codes_and_a_source(name: str) -> None:
    """Each code is listed once, and every row says where it came from."""
    rows = codelist(name).rows
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), name
    assert all(r["source"].strip() for r in rows), name
    assert all(r["label"].strip() for r in rows), name


def test_fields_refer_to_existing_code_lists_and_entities() -> None:
    """A field's code list and referenced entity exist, and references point backwards in
    load order, so a batch can always check them."""
    names = [e.name for e in ENTITIES]
    for position, e in enumerate(ENTITIES):
        assert e.column_names[:3] == ("agency_code", "source_record_id", "extracted_at")
        for f in e.fields:
            if f.codelist:
                assert codelist(f.codelist).codes
            if f.references:
                assert names.index(f.references) < position, (e.name, f.name)


def test_published_code_lists_have_the_sizes_the_measures_need() -> None:
    """43 territorial forces plus BTP; ONS 2021's 19 ethnic groups in 5 high-level groups
    plus not stated and not known; outcome types 1 to 22; every police 18+1 code mapped."""
    forces = codelist("police_forces").rows
    assert len(forces) == 44 and sum(1 for f in forces if f["ons_code"]) == 43
    ethnicity = codelist("ethnicity")
    assert len(ethnicity.codes) == 21
    assert len({r["group"] for r in ethnicity.rows if r["population"]}) == 5
    assert codelist("outcome_types").codes == tuple(str(n) for n in range(1, 23))
    assert {target for _, target in ethnicity.aliases} <= set(ethnicity.codes)
    assert len(ethnicity.aliases) == 19


def test_child_identifiable_offence_codes_match_the_reference() -> None:
    """The codes that identify a child victim are exactly those the sources list."""
    child = {r["code"] for r in codelist("offence_codes").rows
             if r["child_identifiable"] == "yes"}
    assert child == {"17B", "19D", "19E", "19G", "19H", "20B", "21", "22B", "71", "73", "88A"}


def test_docs_data_dictionary_is_current() -> None:
    """docs/core-dataset.md is what `tessera dataset describe --format markdown` writes;
    regenerate it when the definition changes."""
    assert DOCS.read_text(encoding="utf-8") == dictionary_markdown() + "\n"


def test_every_outcome_type_belongs_to_a_listed_outcome_group() -> None:
    """Outcome tables group the 22 types; a type in no listed group would vanish from them."""
    groups = set(codelist("outcome_groups").codes)
    assert {r["outcome_group"] for r in codelist("outcome_types").rows} <= groups
