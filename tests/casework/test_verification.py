"""`verify_ledger` against an insider with every right over the database but not the key, on
SQLite and PostgreSQL: the four attacks an independent test found (laundering an edit through
the ledger's queue, now gone; rewriting the chain; cutting its tail; rewriting the read log),
the simpler edits before them, and a randomised attacker that combines them. The insider works
with plain SQL and the public hash recipes (tests/casework/insider.py), never through a
service."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy import inspect as insp
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tessera.casework.ledger import CHECKPOINTS, ENTRIES, ledgered_tables
from tessera.casework.report_input import ReportInput, report_content_sha256
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide, open_report
from tessera.casework.verification import LedgerCheck, SignedHead, latest_head, verify_ledger
from tests.casework import insider
from tests.casework.populate import People, file_report


@dataclass(frozen=True)
class Acknowledged:
    """What the service acknowledged: three reports (the second decided, the third
    transferred, the first opened by triage) and the signed head kept at that moment."""

    first: str
    decided: str
    transferred: str
    head: SignedHead
    records: dict[str, dict[str, dict[str, Any]]]
    """Every ledgered row as acknowledged, by table and record id."""


def _records(connection: Connection) -> dict[str, dict[str, dict[str, Any]]]:
    return {name: {str(row[key]): row for row in insider.rows(connection, name)}
            for name, (_, key) in ledgered_tables().items()}


@pytest.fixture
def acknowledged(casework: Casework, people: People) -> Acknowledged:
    """Entries 1-3 the reports, 4-5 the decision and report 2's new state, 6-7 the transfer
    and report 3's new state, 8 the opening of report 1; signed heads at 3, 7 and 8."""
    with casework.session() as session:
        refs = [file_report(session, people.reporter).reference for _ in range(3)]
    with casework.session() as session:
        decide(session, people.hartlepool, refs[1], Outcome.NO_FURTHER_ACTION,
               reason="Known to services")
        decide(session, people.hartlepool, refs[2], Outcome.TRANSFER, transfer_to="E08000019")
    with casework.session() as session:
        open_report(session, people.hartlepool, refs[0], "triage")
    with casework.reading() as session:
        head = latest_head(session)
    with casework.engine.connect() as connection:
        records = _records(connection)
    assert head is not None
    return Acknowledged(*refs, head, records)


def _verify(casework: Casework, signer: Signer, head: SignedHead | None = None) -> LedgerCheck:
    with casework.reading() as session:
        return verify_ledger(session, signer.keyring, expect_head=head)


def _problems(check: LedgerCheck) -> str:
    return "\n".join(check.problems)


def test_an_untouched_ledger_is_intact(casework: Casework, acknowledged: Acknowledged,
                                       signer: Signer) -> None:
    """Every record and receipt matches, the chain ends at its signed head, and the ledger
    holds the head kept when the last record was acknowledged."""
    check = _verify(casework, signer, acknowledged.head)
    assert (check.ok, check.entries, check.problems) == (True, 8, ())
    assert check.head == acknowledged.head and acknowledged.head.seq == 8


# The simple edits: a row changed, deleted or added.

def test_a_report_edited_in_the_database_is_named_twice(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """Softening what was disclosed is caught at the report's entry, and again by its
    receipt, which the insider cannot re-sign."""
    with casework.engine.begin() as connection:
        connection.execute(text("UPDATE reports SET disclosure = 'Nothing of concern' "
                                "WHERE reference = :r"), {"r": acknowledged.first})
    check = _verify(casework, signer)
    assert not check.ok and check.first_bad == 1
    assert check.problems == (
        f"entry 1 (report {acknowledged.first}): the record was changed after it was written",
        f"report {acknowledged.first}: what it says differs from what the reporter's receipt "
        "covers: it was changed after it was filed")


def test_a_deleted_decision_and_an_added_one_are_named(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """A decision made to disappear leaves its entry pointing at nothing; one inserted with
    SQL has no entry at all."""
    with casework.engine.begin() as connection:
        connection.execute(text("DELETE FROM decisions WHERE outcome = 'no_further_action'"))
        connection.execute(text(
            "INSERT INTO decisions (report_id, outcome, decided_by, decided_at) "
            "SELECT id, 'no_further_action', reporter_id, received_at FROM reports "
            "WHERE reference = :r"), {"r": acknowledged.first})
    check = _verify(casework, signer)
    assert check.first_bad == 4
    assert check.problems[0] == (f"entry 4 (decision on {acknowledged.decided}): the record "
                                 "was deleted")
    assert check.problems[-1].endswith("has no ledger entry: it was added to the database "
                                       "directly")


@pytest.mark.parametrize("table", ["ledger_entries", "ledger_checkpoints", "read_log"])
@pytest.mark.parametrize("action", ["update", "delete", "replace"])
def test_the_append_only_tables_refuse_every_rewrite(
        casework: Casework, acknowledged: Acknowledged, table: str, action: str) -> None:
    """UPDATE, DELETE, and an insert over an existing row (SQLite's INSERT OR REPLACE,
    PostgreSQL's ON CONFLICT DO UPDATE) are refused by the database itself."""
    key = {"ledger_entries": "seq", "ledger_checkpoints": "n", "read_log": "id"}[table]
    with casework.engine.connect() as connection:
        row = dict(connection.execute(text(f"SELECT * FROM {table} LIMIT 1")).mappings().one())
        postgres = connection.dialect.name == "postgresql"
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    statement = {
        "update": f"UPDATE {table} SET {key} = {key}",
        "delete": f"DELETE FROM {table}",
        "replace": (f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) "
                    f"DO UPDATE SET {key} = excluded.{key}") if postgres else
                   f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({values})",
    }[action]
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), \
            casework.engine.begin() as connection:
        connection.execute(text(statement), row)


# The four attacks of issue 9.

def test_attack_1_there_is_no_queue_to_launder_an_edit_through(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """The attack edited a report, then queued an item with the edited row's hash for the
    service to chain. Records are now chained in their own transaction, so there is no queue
    to write to; the nearest the insider comes is an entry written by hand, whose item the
    service never signed (test_a_record_chained_by_hand_...), and the edit stays caught."""
    with casework.engine.begin() as connection:
        connection.execute(text("UPDATE reports SET disclosure = 'Nothing happened' "
                                "WHERE reference = :r"), {"r": acknowledged.first})
        assert "ledger_pending" not in insp(connection).get_table_names()
    ref = acknowledged.first
    assert _verify(casework, signer).problems == (
        f"entry 1 (report {ref}): the record was changed after it was written",
        f"report {ref}: what it says differs from what the reporter's receipt covers: it was "
        "changed after it was filed")


def test_attack_2_a_rewritten_chain_is_caught(casework: Casework, acknowledged: Acknowledged,
                                               signer: Signer) -> None:
    """Delete every checkpoint, drop the guards, edit an old report (its content hash
    recomputed too), recompute every entry hash and the head, put the guards back: the
    chain now has no signed head, its edited entry's item no longer matches its signature,
    and the report no longer matches its receipt."""
    with casework.engine.begin() as connection:
        insider.drop_guards(connection)
        connection.execute(text("DELETE FROM ledger_checkpoints"))
        connection.execute(text("UPDATE ledger_head SET checkpoint_n = 0, checkpoint_seq = 0"))
        _edit_report_content(connection, acknowledged.first)
        insider.rechain(connection)
    _restore_guards(casework)
    problems = _problems(_verify(casework, signer))
    assert "entry 1 (report " in problems and "the item it chains does not match its " \
        "signature" in problems
    assert "no signed head covers entries 1 to 8: the service's signed heads were deleted" \
        in problems
    assert f"report {acknowledged.first}: its receipt's signature does not verify" in problems


def test_attack_2_deleting_the_checkpoints_alone_is_caught(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """Every checkpoint gone, or one from the middle: no longer 'intact'."""
    with casework.engine.begin() as connection:
        insider.drop_guards(connection)
        connection.execute(text("DELETE FROM ledger_checkpoints WHERE n = 2"))
    assert "checkpoint 2 is missing: signed heads were deleted" in _problems(
        _verify(casework, signer))
    with casework.engine.begin() as connection:
        connection.execute(text("DELETE FROM ledger_checkpoints"))
    assert "no signed head covers entries 1 to 8" in _problems(
        _verify(casework, signer))


def test_a_record_chained_by_hand_after_the_last_signed_head_is_caught(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """A decision inserted with SQL and chained onto the end, every hash right: no signed
    head covers it, and its item was not signed by the service."""
    with casework.engine.begin() as connection:
        insider.drop_guards(connection)
        decision_id = connection.execute(text(
            "INSERT INTO decisions (report_id, outcome, decided_by, decided_at) "
            "SELECT id, 'no_further_action', reporter_id, received_at FROM reports "
            "WHERE reference = :r RETURNING id"), {"r": acknowledged.first}).scalar_one()
        insider.append_entry(connection, "decisions", str(decision_id))
    check = _verify(casework, signer)
    assert check.problems == (
        "entry 9 (decisions 3): the item it chains does not match its signature: it was not "
        "written by the service as it stands",
        "entry 9 is after the last signed head (checkpoint 3 at entry 8): the service did not "
        "seal it")


def test_attack_3_a_tail_cut_after_the_last_signed_head_is_caught(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """Deleting the newest entries with their records and rewinding the head leaves the
    chain ending before its last signed head."""
    with casework.engine.begin() as connection:
        insider.drop_guards(connection)
        insider.cut_tail(connection, 5, with_heads=False)
    check = _verify(casework, signer)
    assert check.first_bad == 3
    assert check.problems == (
        f"entry 3 (report {acknowledged.transferred}): the record was changed after it was "
        "written",
        "entries 6 to 8 are missing: the ledger was cut short after its last signed head",
        "entry 7: does not match its signed checkpoint 2 (entry 7): the ledger was rewritten",
        "entry 8: does not match its signed checkpoint 3 (entry 8): the ledger was rewritten")


def test_attack_3_a_rollback_with_its_signed_heads_needs_the_kept_head(
        casework: Casework, acknowledged: Acknowledged, people: People,
        signer: Signer) -> None:
    """A report filed and acknowledged, then deleted with its entry and the signed head after
    it, leaves a ledger exactly as it was before: nothing inside the database shows it
    (docs/ledger.md says so), but the head kept when the report was acknowledged is gone."""
    with casework.session() as session:
        file_report(session, people.reporter)
    with casework.reading() as session:
        kept = latest_head(session)
    assert kept is not None and (kept.n, kept.seq) == (4, 9)
    with casework.engine.begin() as connection:
        insider.drop_guards(connection)
        insider.cut_tail(connection, 8, with_heads=True)
    assert _verify(casework, signer).ok
    check = _verify(casework, signer, kept)
    assert check.problems == ("the ledger no longer holds the signed head you kept "
                              f"(checkpoint 4 at entry 9, signed {kept.signed_at}): the "
                              "database was rolled back or rewritten since",)


def test_attack_4_the_read_log_cannot_be_rewritten_unseen(
        casework: Casework, acknowledged: Acknowledged, people: People,
        signer: Signer) -> None:
    """Rewriting who read what with an insert over the row is refused; with the guards
    dropped it goes through, and verify names the read."""
    with casework.engine.connect() as connection:
        row = dict(connection.execute(text("SELECT * FROM read_log")).mappings().one())
        postgres = connection.dialect.name == "postgresql"
    row["actor"], row["purpose"] = "admin", "routine audit"
    statement = text(
        ("INSERT INTO" if postgres else "INSERT OR REPLACE INTO")
        + " read_log (id, at, user_id, actor, record_kind, record_id, purpose) VALUES (:id, "
        ":at, :user_id, :actor, :record_kind, :record_id, :purpose)"
        + (" ON CONFLICT (id) DO UPDATE SET actor = excluded.actor, purpose = "
           "excluded.purpose" if postgres else ""))
    with pytest.raises(DBAPIError, match="read_log is append-only"), \
            casework.engine.begin() as connection:
        connection.execute(statement, row)
    with casework.engine.begin() as connection:
        insider.drop_guards(connection)
        connection.execute(statement, row)
    check = _verify(casework, signer)
    assert check.problems == (f"entry 8 (read of report {acknowledged.first} by "
                              "hartlepool-triage): the record was changed after it was "
                              "written",)


def test_a_kept_head_must_be_signed_by_the_service(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """A "kept head" made up by the insider vouches for nothing."""
    forged = SignedHead(**{**acknowledged.head.__dict__, "seq": 3})
    assert "is not signed by any of this service's keys" in _problems(
        _verify(casework, signer, forged))
    assert SignedHead.from_json(acknowledged.head.to_json()) == acknowledged.head


def test_checkpoints_signed_with_another_key_are_named(
        casework: Casework, acknowledged: Acknowledged) -> None:
    """Verifying with the keys of another service fails at every item, checkpoint and
    receipt."""
    other = Signer.generate()
    check = _verify(casework, other)
    assert check.first_bad == 1
    problems = _problems(check)
    assert problems.count("which is not one of this service's keys") == 8
    assert (f"checkpoint 1 (entry 3) is not signed by any of this service's keys "
            f"({other.key_id})") in problems
    assert problems.count("its receipt's signature does not verify") == 3


# The randomised insider.

Attack = Callable[[Connection, random.Random], None]


def _pick_row(connection: Connection, rng: random.Random) -> tuple[str, dict[str, Any]] | None:
    tables = [name for name in ledgered_tables() if insider.rows(connection, name)]
    if not tables:
        return None
    table = rng.choice(tables)
    return table, rng.choice(insider.rows(connection, table))


def _changed(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice((1, -1))
    if isinstance(value, datetime | date):
        return value - timedelta(days=rng.randint(1, 400))
    if isinstance(value, str):
        return rng.choice((value + ".", value[:-1] or "x", value.upper() + "X"))
    return rng.choice(("x", None))


def _edit_field(connection: Connection, rng: random.Random) -> None:
    picked = _pick_row(connection, rng)
    if picked is None:
        return
    table, row = picked
    table_object = ledgered_tables()[table][0]
    column = rng.choice([name for name in row if name != "id"])
    connection.execute(table_object.update().where(table_object.c.id == row["id"]).values(
        {column: _changed(row[column], rng)}))


def _delete_record(connection: Connection, rng: random.Random) -> None:
    picked = _pick_row(connection, rng)
    if picked is None:
        return
    table, row = picked
    if table == "reports":
        connection.execute(text("DELETE FROM decisions WHERE report_id = :id"), row)
    table_object = ledgered_tables()[table][0]
    connection.execute(table_object.delete().where(table_object.c.id == row["id"]))


def _insert_record(connection: Connection, rng: random.Random) -> None:
    picked = _pick_row(connection, rng)
    if picked is None:
        return
    table, row = picked
    copy = {name: value for name, value in row.items() if name != "id"}
    if table == "reports":
        copy.update(reference="TSR-" + "".join(rng.choice("ABCDEFGH") for _ in range(10)),
                    idempotency_key=None)
    connection.execute(ledgered_tables()[table][0].insert().values(copy))


def _smart_edit(connection: Connection, rng: random.Random) -> None:
    """Edit a report's content with its content hash recomputed, then rebuild the chain."""
    reports = insider.rows(connection, "reports")
    if reports:
        _edit_report_content(connection, rng.choice(reports)["reference"])
        insider.rechain(connection)


def _rechain(connection: Connection, rng: random.Random) -> None:
    chain = insider.entries(connection)
    if chain:
        insider.rechain(connection, from_seq=rng.randint(1, chain[-1]["seq"]))


def _delete_checkpoints(connection: Connection, rng: random.Random) -> None:
    numbers = connection.execute(select(CHECKPOINTS.c.n)).scalars().all()
    for n in rng.sample(numbers, rng.randint(1, len(numbers))) if numbers else ():
        connection.execute(CHECKPOINTS.delete().where(CHECKPOINTS.c.n == n))


def _cut_tail(connection: Connection, rng: random.Random) -> None:
    chain = insider.entries(connection)
    if chain:
        insider.cut_tail(connection, rng.randint(0, chain[-1]["seq"] - 1),
                         with_heads=rng.random() < 0.5)


def _append_entry(connection: Connection, rng: random.Random) -> None:
    picked = _pick_row(connection, rng)
    if picked is not None and insider.entries(connection):
        table, row = picked
        insider.append_entry(connection, table, str(row[ledgered_tables()[table][1]]))


def _swap_entries(connection: Connection, rng: random.Random) -> None:
    """Swap two entries' records (and rechain), as if the order of events were changed."""
    chain = insider.entries(connection)
    if len(chain) < 2:
        return
    a, b = rng.sample(chain, 2)
    moved = ("staged_at", "kind", "record_table", "record_id", "label", "record_sha256",
             "key_id", "item_signature")
    for entry, other in ((a, b), (b, a)):  # item ids are unique: park them first
        connection.execute(ENTRIES.update().where(ENTRIES.c.seq == entry["seq"]).values(
            item_id=f"moving-{entry['seq']}", **{name: other[name] for name in moved}))
    for entry, other in ((a, b), (b, a)):
        connection.execute(ENTRIES.update().where(ENTRIES.c.seq == entry["seq"]).values(
            item_id=other["item_id"]))
    insider.rechain(connection, match_records=False)


ATTACKS: tuple[Attack, ...] = (_edit_field, _delete_record, _insert_record, _smart_edit,
                               _rechain, _delete_checkpoints, _cut_tail,
                               _append_entry, _swap_entries)


def test_a_randomised_insider_never_gets_an_intact_verdict_for_a_changed_record(
        casework: Casework, acknowledged: Acknowledged, signer: Signer) -> None:
    """Hundreds of sequences of one to five attacks (edits, inserts, deletes, forged or
    entries chained by hand, deleted checkpoints, cut tails, chain recomputations, reordered
    entries), each in a transaction rolled back afterwards: whenever any record differs from
    what was acknowledged, verify with the kept head says so, and it never fails itself."""
    trials, caught = 300, 0
    for seed in range(trials):
        rng = random.Random(seed)
        with casework.engine.connect() as connection:
            transaction = connection.begin()
            insider.drop_guards(connection)
            applied = []
            for attack in rng.choices(ATTACKS, k=rng.randint(1, 5)):
                savepoint = connection.begin_nested()
                try:
                    attack(connection, rng)
                    savepoint.commit()
                    applied.append(attack.__name__)
                except DBAPIError:  # a foreign key or unique index stopped it: no change
                    savepoint.rollback()
            differs = _records(connection) != acknowledged.records
            check = verify_ledger(Session(bind=connection), signer.keyring,
                                  expect_head=acknowledged.head)
            transaction.rollback()
        assert not (differs and check.ok), f"seed {seed}: {applied} went unseen"
        caught += differs
    assert caught > trials // 2, "the attacker changed too little to prove anything"
    assert _verify(casework, signer, acknowledged.head).ok


def _edit_report_content(connection: Connection, reference: str) -> None:
    """Change what a report says and recompute the content hash its row keeps."""
    row = next(row for row in insider.rows(connection, "reports")
               if row["reference"] == reference)
    content = {name: row[name] for name in ReportInput.model_fields}
    content["disclosure"] = "Nothing of concern was said."
    connection.execute(text("UPDATE reports SET disclosure = :d, content_sha256 = :h "
                            "WHERE reference = :r"),
                       {"d": content["disclosure"], "h": report_content_sha256(content),
                        "r": reference})


def _restore_guards(casework: Casework) -> None:
    """Put the append-only triggers back, as the careful insider would."""
    from importlib import import_module

    migration = import_module("tessera.casework.migrations.versions.0003_signed_ledger")
    with casework.engine.begin() as connection:
        for statement in migration._guard_sqls(connection.dialect.name):
            connection.execute(text(statement))

