"""The casework store: mandatory reports, triage decisions, users, the ledger and the read log.

Import from the module that owns a name (the package imports nothing itself, so commands that
never touch casework do not pay for loading SQLAlchemy and Alembic):

- `store.Casework`: open a store by URL (SQLite file or PostgreSQL), migrated by Alembic
  (`migrations/`), and hand out sessions: writing ones, which seal the ledger before they
  return, and reading ones; `models` holds the tables.
- `roles.Role`, `roles.AreaType`; `users`: add, disable, enable, passwords, API tokens;
  `sign_in`: throttled sign-in and sessions held in the store.
- `reports`: `ReportInput` (`report_input`), `submit_report`, `report_receipt`; `routing`:
  postcode to local authority, force and queue; `receipts`: Ed25519 receipts.
- `triage`: `queue`, `open_report` (logged), `decide`, `timeline`, `Outcome`.
- `ledger`: the hash chain (`stage` a record, `seal` what was staged at the commit);
  `verification.verify_ledger`; `filing` and `rounds`: reports arriving together filed in one
  transaction; `writers`: one writer at a time on SQLite; `readlog`: `log_read`, `read_log`.
- `export.export_casework`: core-dataset extracts for `tessera ingest`.

Every service takes a session and the acting user and checks permissions itself (deny by
default). See CONTRACT.md for the interface the web app codes against.
"""
