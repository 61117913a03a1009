#!/usr/bin/env bash
# Sets up and runs the whole test suite, with the lint and import-direction checks CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy src/tessera
.venv/bin/python -m pytest "$@"
