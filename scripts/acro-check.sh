#!/usr/bin/env bash
# Runs ACRO (SACRO project: the semi-automatic output checker used by trusted research
# environments) on one frequency table of microdata and prints every cell it flags: an independent
# oracle for Tessera's primary suppression. ACRO caps pandas, so it lives in its own virtual
# environment (.venv-acro) rather than Tessera's, pinned so its verdicts do not drift.
# Usage: scripts/acro-check.sh MICRODATA.csv ROW_COLUMN COLUMN_COLUMN
# Output: one tab-separated line per flagged cell: row label, column label, ACRO's checks
# (margins are labelled "All").
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${ACRO_VENV:-$ROOT/.venv-acro}"
if [[ $# -ne 3 ]]; then
    echo "usage: $0 MICRODATA.csv ROW_COLUMN COLUMN_COLUMN" >&2
    exit 2
fi
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c "import acro" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "acro==1.0.2" >&2
fi
# ACRO writes its session files to the working folder: run it in a throwaway one.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FILE="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$WORK"
"$VENV/bin/python" - "$FILE" "$2" "$3" <<'PY'
import logging
import sys

import pandas as pd

import acro

logging.disable(logging.CRITICAL)
path, row, column = sys.argv[1:4]
data = pd.read_csv(path, dtype=str)
session = acro.ACRO(suppress=False)
session.crosstab(data[row], data[column], margins=True)
outcome = list(session.results.results.values())[-1].outcome
for row_label, checks in outcome.iterrows():
    for column_label, verdict in checks.items():
        if verdict != "ok":
            print(row_label, column_label, verdict.strip("; "), sep="\t")
PY
