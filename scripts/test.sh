#!/usr/bin/env bash
# Sets up and runs the whole test suite, with the lint and import-direction checks CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The casework tests need the local PostgreSQL; start it if it is installed but stopped.
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 \
    && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy src/tessera
# Two processes (one per core here), each taking whole modules, so a module's fixtures (a
# store, a served app) are built once (the quick loop, -m "not slow", and the whole suite: README).
.venv/bin/python -m pytest -n auto --dist loadscope "$@"
