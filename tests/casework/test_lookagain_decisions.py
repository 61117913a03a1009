"""Decisions on cases of the look-again list: recorded by an analyst who may see the case,
listed back with who made them, counted once as referrals for P12, and chained into the ledger
so an insider who rewrites one in the database is caught."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tessera.casework.lookagain_decisions import (
    decision_errors,
    decisions_on,
    record_decision,
    referrals_made,
)
from tessera.casework.publications import open_entry
from tessera.casework.roles import Role
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.users import add_user
from tessera.casework.verification import verify_ledger
from tessera.errors import CaseworkError, NoSuchRecord
from tessera.publish.lookagain_publication import PRODUCT
from tests.casework.populate import PASSWORD, People
from tests.web.lookagain_data import WY_CASE, publish_fixture_list

PURPOSE = "deciding whether to reopen"


def test_a_decision_is_kept_listed_counted_once_and_chained(
        casework: Casework, people: People, signer: Signer) -> None:
    """A national analyst refers West Yorkshire's case twice and then closes it: three rows,
    oldest first, by their name; one referral for P12; the ledger intact, until the reason of
    one is rewritten in the database, which verification names."""
    publish_fixture_list(casework)
    with casework.session() as session:
        national = add_user(session, username="nat", password=PASSWORD,
                            role=Role.NATIONAL_ANALYST, display_name="Nat Analyst")
    for decision, reason in (("refer", "Charged in Kent since."), ("refer", "Still open."),
                             ("no_further_action", "Reviewed by the MIT: no new lines.")):
        with casework.session() as session:
            publication, entry = open_entry(session, national, PRODUCT, WY_CASE,
                                            purpose=PURPOSE)
            record_decision(session, national, entry, publication.publication_id, decision,
                            reason)
    with casework.reading() as session:
        shown = decisions_on(session, WY_CASE)
        assert [(d.decision, d.decided_by) for d in shown] == [
            ("refer", "Nat Analyst"), ("refer", "Nat Analyst"),
            ("no_further_action", "Nat Analyst")]
        assert [force for force, _ in referrals_made(session)] == ["west-yorkshire"]
        assert verify_ledger(session, signer.keyring).ok
    with casework.engine.begin() as connection:
        connection.execute(text("UPDATE look_again_decisions SET reason = 'Nothing found' "
                                "WHERE decision = 'no_further_action'"))
    with casework.reading() as session:
        check = verify_ledger(session, signer.keyring)
    assert not check.ok
    assert f"(look-again case {WY_CASE}): the record was changed after it was written" in \
        "\n".join(check.problems)


def test_an_analyst_of_another_force_cannot_open_the_case_to_decide(
        casework: Casework, people: People) -> None:
    """Cleveland's analyst is answered as if West Yorkshire's case did not exist."""
    publish_fixture_list(casework)
    with casework.session() as session, pytest.raises(NoSuchRecord):
        open_entry(session, people.analyst, PRODUCT, WY_CASE, purpose=PURPOSE)


@pytest.mark.parametrize(("decision", "reason", "field"), [
    ("", "Something", "decision"),
    ("reopen", "Something", "decision"),
    ("refer", "   ", "reason"),
    ("refer", "bad\x00byte", "reason"),
    ("refer", "x" * 2001, "reason"),
])
def test_a_wrong_decision_or_reason_names_the_field(
        casework: Casework, decision: str, reason: str, field: str) -> None:
    """Each wrong answer is named by its field, and record_decision refuses it too."""
    assert list(decision_errors(decision, reason)) == [field]
    publish_fixture_list(casework)
    with casework.session() as session:
        national = add_user(session, username="nat2", password=PASSWORD,
                            role=Role.NATIONAL_ANALYST, display_name="Nat Two")
    with casework.session() as session, pytest.raises(CaseworkError, match=f"^{field}: "):
        publication, entry = open_entry(session, national, PRODUCT, WY_CASE, purpose=PURPOSE)
        record_decision(session, national, entry, publication.publication_id, decision, reason)
