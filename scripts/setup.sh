#!/usr/bin/env bash
# Sets up Tessera on a fresh machine: a virtual environment in .venv with Tessera and its
# development tools installed, the web app's GOV.UK Frontend assets and axe-core from npm, and
# Chromium for the browser tests. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
# GOV.UK Frontend's styles, scripts, fonts and images are served by the web app from a static
# folder filled here, never committed; axe-core stays in node_modules for the browser tests.
if [ ! -d node_modules/govuk-frontend ] || [ ! -d node_modules/axe-core ] || \
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
static=src/tessera/web/static
rm -rf "$static" && mkdir -p "$static"
cp -R node_modules/govuk-frontend/dist/govuk/assets/. "$static"/
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
  node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$static"/
# The browser tests drive Debian's Chromium: Playwright cannot download its own browser here.
if ! command -v chromium >/dev/null; then
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium
fi
